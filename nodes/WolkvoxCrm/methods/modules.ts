import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

/**
 * The modules the CRM documents. wolkvox publishes no module list, so this costs no API call;
 * custom modules (e.g. Ventas) are given By Name.
 */
export const DOCUMENTED_MODULES: Array<{ name: string; value: string }> = [
	{ name: 'Activities', value: 'wolkvox_activities' },
	{ name: 'Cases', value: 'cases' },
	{ name: 'Collections', value: 'collections' },
	{ name: 'Contacts', value: 'contacts' },
	{ name: 'Leads', value: 'leads' },
	{ name: 'Opportunities', value: 'opportunities' },
];

/** Module → From List: the documented modules whose label or name holds the filter. */
export async function searchModules(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const wanted = (filter ?? '').trim().toLowerCase();
	return {
		results: DOCUMENTED_MODULES.filter(
			(module) => wanted === '' || module.name.toLowerCase().includes(wanted) || module.value.toLowerCase().includes(wanted),
		),
	};
}
