import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Connection } from '../../transport';

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

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 60,
	description: 'How long to wait for the server to answer one request before failing the item',
};

/** The connection with the node's options applied; options are read once, from the first item. */
export function withOptions(this: IExecuteFunctions, connection: Connection): Connection {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const seconds = Number(options.timeout);
	return Number.isFinite(seconds) && seconds > 0 ? { ...connection, timeoutMs: seconds * 1000 } : connection;
}

/** The CRM operation and module for one item, or an error that says which field to fill. */
export function readCrmTarget(
	this: IExecuteFunctions,
	connection: Connection,
	itemIndex: number,
): { operation: string; module: string } {
	const ownOperation = String(this.getNodeParameter('crmOperation', itemIndex, '') ?? '').trim();
	const operation = ownOperation || connection.defaultCrmOperation;
	if (operation === '') {
		throw new NodeOperationError(this.getNode(), 'No CRM operation is set', {
			itemIndex,
			description: `Item ${itemIndex}: fill in CRM Operation on this node, or in the Wolkvox CRM API credential (the part after ADMIN_@ in the admin login).`,
		});
	}
	const module = String(this.getNodeParameter('module', itemIndex, '') ?? '').trim();
	if (module === '') {
		throw new NodeOperationError(this.getNode(), 'No module is set', {
			itemIndex,
			description: `Item ${itemIndex}: fill in Module with the module name as the CRM shows it, e.g. contacts.`,
		});
	}
	return { operation, module };
}
