import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RequestScheduler, type Connection } from '../../transport';
import { LOAD_COST } from '../../methods/cost';
import { ParameterReader } from '../parameters';

/** Fields every record operation shares; each operation adds its own displayOptions. */
export const crmOperationField: INodeProperties = {
	displayName: 'CRM Operation',
	name: 'crmOperation',
	type: 'string',
	default: '',
	placeholder: 'mycompany',
	description:
		'Name of your CRM operation (the part after ADMIN_@ in the admin login). Leave empty to use the one in the credential.',
};

export const moduleField: INodeProperties = {
	displayName: 'Module',
	name: 'module',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'contacts',
	description:
		'Module name as the CRM shows it, e.g. contacts, leads, opportunities, or a custom module such as Ventas',
};

/** Module in version 2: picked from the documented modules, or typed by name (custom modules). */
export const moduleLocatorField: INodeProperties = {
	displayName: 'Module',
	name: 'module',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The module of the records. A custom module (e.g. Ventas) is given By Name, exactly as the CRM shows it.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Choose a module…',
			typeOptions: { searchListMethod: 'searchModules', searchable: true },
		},
		{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. Ventas' },
	],
};

/** Module, for version 1 (text) and version 2 (list or name), with the operation's displayOptions. */
export function moduleFields(show: Record<string, unknown> = {}): INodeProperties[] {
	return [
		{ ...moduleField, displayOptions: { show: { ...show, '@version': [1] } } } as INodeProperties,
		{ ...moduleLocatorField, displayOptions: { show: { ...show, '@version': [2] } } } as INodeProperties,
	];
}

/**
 * A field name picked from the fields of the module's sample records (version 2), or typed as
 * an expression; version 1 keeps its text field.
 */
export function fieldPicker(v1: INodeProperties, show: Record<string, unknown>): INodeProperties[] {
	return [
		{ ...v1, displayOptions: { show: { ...show, '@version': [1] } } },
		{
			...v1,
			type: 'options',
			placeholder: undefined,
			description: `${v1.description ?? ''}. Choose from the fields of sample records, or give the name with an expression.`,
			hint: LOAD_COST,
			typeOptions: { loadOptionsMethod: 'getFieldNames', loadOptionsDependsOn: ['module.value', 'crmOperation'] },
			displayOptions: { show: { ...show, '@version': [2] } },
		},
	];
}

/** The module name from either version's value: v1 text, or v2 `{ __rl, mode, value }`. */
export function moduleName(value: unknown): string {
	const name = value !== null && typeof value === 'object' ? (value as { value?: unknown }).value : value;
	return typeof name === 'string' || typeof name === 'number' ? String(name).trim() : '';
}

/** Simplify, shared by Record → Search and the trigger: the same flattening (helpers/simplify.ts). */
export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to give each typed field (telephone, currency, search or relation) as its plain value instead of the object the CRM sends',
};

/** Return All and Limit, for every operation that lists what it found. */
export function returnAllFields(show: NonNullable<IDisplayOptions['show']>): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/** How many results one item wants (undefined = all), or an error that says how to fix Limit. */
export function readWanted(this: IExecuteFunctions, parameters: ParameterReader, itemIndex: number): number | undefined {
	if (parameters.get('returnAll', itemIndex, false) === true) return undefined;
	const wanted = Number(parameters.get('limit', itemIndex, 50));
	if (!Number.isInteger(wanted) || wanted < 1) {
		throw new NodeOperationError(this.getNode(), `The limit ${String(wanted)} is not a whole number of 1 or more`, {
			itemIndex,
			description: `Item ${itemIndex}: set Limit to 1 or more, or turn on Return All.`,
		});
	}
	return wanted;
}

export const DEFAULT_MAX_RECORDS_PER_ANSWER = 200;

/** Max Records per Answer: the node's guess of the CRM's unpublished answer cap (engine/completeness.ts). */
export const maxRecordsPerAnswerOption: INodeProperties = {
	displayName: 'Max Records per Answer',
	name: 'maxRecordsPerAnswer',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_MAX_RECORDS_PER_ANSWER,
	description:
		"The most records the CRM puts in one answer (not published). An answer holding this many, or reporting a larger total, is treated as possibly cut (a date range is then split and asked again). If your CRM's answers hold fewer records and report no total, set this to what they hold, or the records past it are missed.",
};

/** Max Records per Answer as set, or its default. */
export function readAnswerCap(options: IDataObject): number {
	const cap = Math.floor(Number(options.maxRecordsPerAnswer));
	return Number.isFinite(cap) && cap >= 1 ? cap : DEFAULT_MAX_RECORDS_PER_ANSWER;
}

/** The Options collection of an operation: the options it offers, shown where `displayOptions` says. */
export function optionsField(options: INodeProperties[], displayOptions?: IDisplayOptions): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, ...(displayOptions ? { displayOptions } : {}), options };
}

/** Options every record operation offers for how requests are sent. */
export const requestOptions: INodeProperties[] = [
	{
		displayName: 'Concurrent Requests',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: 1,
		description: 'How many requests may be in flight at once. Keep 1 unless your wolkvox plan allows more.',
	},
	{
		displayName: 'Max Requests per Second',
		name: 'maxRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'Never start more requests than this in any second, retries included (0 = no limit)',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 20 },
		default: 5,
		description:
			'How often to retry a request that hit a rate limit, a server error, a broken connection or a timeout. Answers that refuse the request itself are not retried.',
	},
	{
		displayName: 'Max Retry Wait (Seconds)',
		name: 'maxRetryWait',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 30,
		description:
			'Waits grow exponentially (with jitter) and follow the server\'s Retry-After, but never beyond this',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description: 'How long to wait for the server to answer one request before it counts as failed',
	},
];

function positiveNumber(value: unknown, fallback: number, minimum = 0): number {
	const number = Number(value);
	return value === undefined || value === '' || !Number.isFinite(number) || number < minimum ? fallback : number;
}

/** The connection with the node's options (read once, from the first item) applied. */
export function withOptions(connection: Connection, options: IDataObject): Connection {
	const timeoutSeconds = positiveNumber(options.timeout, connection.timeoutMs / 1000, 0.001);
	return {
		...connection,
		timeoutMs: Math.round(timeoutSeconds * 1000),
		retry: {
			...connection.retry,
			maxRetries: Math.floor(positiveNumber(options.maxRetries, connection.retry.maxRetries)),
			maxWaitMs: positiveNumber(options.maxRetryWait, connection.retry.maxWaitMs / 1000) * 1000,
		},
		scheduler: new RequestScheduler(
			Math.floor(positiveNumber(options.concurrency, connection.scheduler.concurrency, 1)),
			positiveNumber(options.maxRequestsPerSecond, connection.scheduler.maxPerSecond),
			connection.scheduler.stats,
		),
	};
}

/** The CRM operation for one item (the node's, else the credential's), or an error that says where to fill it. */
export function readCrmOperation(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
	parameters: ParameterReader = new ParameterReader(this),
): string {
	const ownOperation = String(parameters.get('crmOperation', itemIndex, '') ?? '').trim();
	const operation = ownOperation || connection.defaultCrmOperation;
	if (operation === '') {
		throw new NodeOperationError(this.getNode(), 'No CRM operation is set', {
			itemIndex,
			description: `Item ${itemIndex}: fill in CRM Operation on this node, or in the Wolkvox CRM API credential (the part after ADMIN_@ in the admin login).`,
		});
	}
	return operation;
}

/** The CRM operation and module for one item, or an error that says which field to fill. */
export function readCrmTarget(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
	parameters: ParameterReader = new ParameterReader(this),
): { operation: string; module: string } {
	const operation = readCrmOperation.call(this, connection, itemIndex, parameters);
	const module = moduleName(parameters.get('module', itemIndex, ''));
	if (module === '') {
		throw new NodeOperationError(this.getNode(), 'No module is set', {
			itemIndex,
			description: `Item ${itemIndex}: fill in Module with the module name as the CRM shows it, e.g. contacts.`,
		});
	}
	return { operation, module };
}
