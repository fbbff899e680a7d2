/**
 * The editor's load methods as n8n runs them: n8n-core's own LoadOptionsContext on a one-node
 * workflow holding the parameters the editor sends (as the REST endpoints
 * /rest/dynamic-node-parameters/* do), with the package's credential applied by the harness.
 */
import { ExecutionLifecycleHooks, LoadOptionsContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { WolkvoxCrmApi } from '../../credentials/WolkvoxCrmApi.credentials';
import { WolkvoxCrm } from '../../nodes/WolkvoxCrm/WolkvoxCrm.node';
import { WolkvoxCrmTrigger } from '../../nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node';
import { CredentialsHelper, makeAdditionalData, NodeTypes } from '../engine';
import { NODE_TYPE } from './node';

export const TRIGGER_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrmTrigger';

/** A load-options context for the node (version 2) with these parameters and credential data. */
export function loadContext(parameters: INodeParameters, credentials: ICredentialDataDecryptedObject, type = NODE_TYPE) {
	const helper = new CredentialsHelper({ wolkvoxCrmApi: new WolkvoxCrmApi() }, { wolkvoxCrmApi: credentials });
	const node = {
		id: 'wolkvox',
		name: 'Wolkvox CRM',
		type,
		typeVersion: 2,
		position: [0, 0] as [number, number],
		parameters,
		credentials: { wolkvoxCrmApi: { id: '1', name: 'Wolkvox CRM account' } },
	};
	const workflow = new Workflow({
		id: 'editor',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new NodeTypes({ [NODE_TYPE]: new WolkvoxCrm(), [TRIGGER_TYPE]: new WolkvoxCrmTrigger() }),
	});
	const hooks = new ExecutionLifecycleHooks('internal', 'editor', { id: 'editor', nodes: [node], connections: {} } as never);
	const context = new LoadOptionsContext(workflow, node, makeAdditionalData(helper, hooks), 'parameters.fieldMapping');
	return { context, requests: helper.authenticatedRequests };
}
