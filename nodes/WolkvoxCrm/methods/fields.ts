/**
 * The fields of the chosen module for the editor (node version 2): Fields (the mapper), Match
 * Field and Search's Field. wolkvox publishes no schema, so the fields come from sample
 * records: ONE queryDates.php call per load (no retry), over every creation date, at most
 * SAMPLE_SIZE records. Nothing is kept between loads. A load that cannot give fields says why
 * in the editor instead of failing, and the user can still type names.
 */
import type { ILoadOptionsFunctions, INodePropertyOptions, ResourceMapperFields } from 'n8n-workflow';

import { moduleName } from '../actions/record/common.fields';
import { fieldsOfRecords, mapperField, type FieldKind } from '../helpers/fieldKinds';
import { readAnswer, type CrmRecord } from '../helpers/records';
import { apiRequest, getConnection, WolkvoxApiError } from '../transport';
import { SAMPLE_SIZE } from './cost';

export { LOAD_COST, SAMPLE_SIZE } from './cost';

/** Wider than any CRM's records: the sample is the first SAMPLE_SIZE records the CRM returns. */
export const SAMPLE_RANGE = { from: '2000-01-01 00:00:00', to: '2099-12-31 23:59:59' };
export const SAMPLE_ENDPOINT = 'custom/queryDates.php';


export type Sample =
	| { ok: true; fields: Array<{ name: string; kind: FieldKind }>; records: number }
	| { ok: false; notice: string };

function readParameter(context: ILoadOptionsFunctions, name: string): unknown {
	try {
		return context.getNodeParameter(name, '');
	} catch {
		// An expression that needs input data cannot be read in the editor.
		return undefined;
	}
}

/** One sample of the module's records, read into its fields; never throws. */
export async function sampleFields(this: ILoadOptionsFunctions): Promise<Sample> {
	const module = moduleName(readParameter(this, 'module'));
	if (module === '' || module.startsWith('=')) {
		return { ok: false, notice: 'Choose a module first (an expression cannot be read in the editor)' };
	}
	let connection;
	try {
		connection = await getConnection.call(this);
	} catch (error) {
		return { ok: false, notice: `Fields could not be loaded: ${(error as Error).message}` };
	}
	const own = readParameter(this, 'crmOperation');
	const operation = (typeof own === 'string' && !own.startsWith('=') ? own.trim() : '') || connection.defaultCrmOperation;
	if (operation === '') {
		return { ok: false, notice: 'Fields could not be loaded: fill in CRM Operation (here or in the credential)' };
	}
	// Exactly one call per load: no retries, and a short wait, since someone is waiting in the editor.
	const once = { ...connection, timeoutMs: 20_000, retry: { ...connection.retry, maxRetries: 0 } };
	let records: CrmRecord[];
	try {
		const envelope = await apiRequest.call(
			this,
			once,
			{ method: 'POST', endpoint: SAMPLE_ENDPOINT, body: { operation, module, date: true, ...SAMPLE_RANGE, limit: SAMPLE_SIZE } },
			0,
		);
		records = readAnswer(envelope).records.slice(0, SAMPLE_SIZE);
	} catch (error) {
		if (error instanceof WolkvoxApiError && error.requestFailure.dailyQuota) {
			return { ok: false, notice: 'The token\'s daily quota is used up: fields cannot be loaded until it restarts. Type the field names.' };
		}
		const message = (error as Error).message.replace(/^Item 0: /, '');
		return { ok: false, notice: `Fields could not be loaded (${message}). Type the field names.` };
	}
	if (records.length === 0) {
		return { ok: false, notice: `Module "${module}" has no records to learn its fields from. Type the field names.` };
	}
	return { ok: true, fields: fieldsOfRecords(records), records: records.length };
}

/** Fields → the mapper's list. */
export async function getMappingFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const sample = await sampleFields.call(this);
	if (!sample.ok) return { fields: [], emptyFieldsNotice: `${sample.notice} Add the fields under Additional Fields.` };
	if (sample.fields.length === 0) {
		return { fields: [], emptyFieldsNotice: 'The sample records hold only system fields (wolkvox_*). Add the fields under Additional Fields.' };
	}
	return { fields: sample.fields.map(({ name, kind }) => mapperField(name, kind)) };
}

/** Match Field and Search's Field: the sampled field names (a notice entry when there are none). */
export async function getFieldNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const sample = await sampleFields.call(this);
	if (!sample.ok) return [{ name: `Notice: ${sample.notice}`, value: '' }];
	if (sample.fields.length === 0) return [{ name: 'Notice: the sample records hold only system fields (wolkvox_*). Type the field name.', value: '' }];
	return sample.fields
		.filter(({ kind }) => kind !== 'table')
		.map(({ name, kind }) => ({ name, value: name, description: kind === 'text' ? undefined : `Kind: ${kind}` }));
}
