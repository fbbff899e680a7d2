/**
 * Runs the Wolkvox CRM node the way n8n does (through test/engine) with the package's own
 * credential type, and builds the small workflows the tests need.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters, IWorkflowBase } from 'n8n-workflow';

import { WolkvoxCrmApi } from '../../credentials/WolkvoxCrmApi.credentials';
import { WolkvoxCrm } from '../../nodes/WolkvoxCrm/WolkvoxCrm.node';
import { runWorkflow, testCredential } from '../engine';

export const NODE_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrm';
export const NODE_NAME = 'Wolkvox CRM';
// "example" keeps the secret linter quiet; the tests scan runs for this exact string.
export const TOKEN = 'example-token-9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f';
export const ORIGIN = 'https://crm0001.wolkvox.com';
export const DELETE_PATH = '/server/API/v2/custom/delete.php';
export const USAGE_PATH = '/server/API/v2/token/tokenInformation.php';

export const credentials = (overrides: ICredentialDataDecryptedObject = {}) => ({
	server: 'crm0001.wolkvox.com',
	token: TOKEN,
	crmOperation: 'demo',
	...overrides,
});

type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

/** Manual Trigger (with the given items pinned) → Wolkvox CRM with the given parameters. */
export function deleteWorkflow(
	parameters: INodeParameters,
	items: Array<Record<string, unknown>> = [{}],
	onError: OnError = 'stopWorkflow',
): Pick<IWorkflowBase, 'nodes' | 'connections' | 'pinData'> {
	return {
		nodes: [
			{
				id: 'trigger',
				name: 'When clicking Execute',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'wolkvox',
				name: NODE_NAME,
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'record', operation: 'delete', module: 'contacts', ...parameters },
				credentials: { wolkvoxCrmApi: { id: '1', name: 'Wolkvox CRM account' } },
				onError,
			},
		],
		connections: {
			'When clicking Execute': { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
		},
		pinData: { 'When clicking Execute': items.map((json) => ({ json: json as IDataObject })) },
	};
}

export async function run(
	workflow: Pick<IWorkflowBase, 'nodes' | 'connections' | 'pinData'>,
	credentialData: ICredentialDataDecryptedObject = credentials(),
) {
	return await runWorkflow({
		workflow,
		nodeTypes: { [NODE_TYPE]: new WolkvoxCrm() },
		credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
		credentials: { wolkvoxCrmApi: credentialData },
	});
}

export async function runCredentialTest(credentialData: ICredentialDataDecryptedObject) {
	return await testCredential({ credentialType: new WolkvoxCrmApi(), credentials: credentialData });
}

/** The documented success answer of custom/delete.php for these ids. */
export const deletedAnswer = (ids: string[]) => ({
	code: 200,
	error: 'null',
	msg: 'Have been succesfully removed',
	data: { wolkvox_id: ids },
});

export const INSERT_PATH = '/server/API/v2/custom/insert.php';
export const UPDATE_PATH = '/server/API/v2/custom/update.php';
export const QUERY_PATH = '/server/API/v2/custom/query.php';

/** An input item: its JSON, and binary properties when a test needs files. */
export type InputItem = { json: Record<string, unknown>; binary?: Record<string, { data: string; mimeType: string; fileName?: string }> };

/** Manual Trigger (with the given items pinned) → Wolkvox CRM running the given record operation. */
export function recordWorkflow(
	operation: 'create' | 'update' | 'upsert',
	parameters: Record<string, unknown>,
	items: InputItem[] = [{ json: {} }],
	onError: OnError = 'stopWorkflow',
): Pick<IWorkflowBase, 'nodes' | 'connections' | 'pinData'> {
	const workflow = deleteWorkflow({ operation, ...parameters } as INodeParameters, [], onError);
	return { ...workflow, pinData: { 'When clicking Execute': items as never } };
}

/** The documented answer of token/tokenInformation.php (its hours key is cut off in the docs). */
export const usageAnswer = {
	code: '200',
	error: 'null',
	msg: '1 records were are found',
	data: {
		description: 'token',
		token_limit: 4800,
		token_use_today: 12,
		available_consumition_options: 4788,
		hours_to_reset: 9,
	},
};
