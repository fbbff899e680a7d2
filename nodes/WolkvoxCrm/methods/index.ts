/** The editor's load methods of the Wolkvox CRM node (version 2) and its trigger. */
import { getFieldNames, getMappingFields } from './fields';
import { searchModules } from './modules';

export const methods = {
	listSearch: { searchModules },
	loadOptions: { getFieldNames },
	resourceMapping: { getMappingFields },
};
