// @ts-check
'use strict';
/** The workflow every engine scenario runs: Manual Trigger (its items pinned) → one Wolkvox CRM node. */

const NODE_NAME = 'Wolkvox CRM';
const TRIGGER_NAME = 'When clicking Execute';

/** The credential the engine harness applies (test/engine); a real n8n gets the one it imported. */
const BENCH_CREDENTIAL = { id: '1', name: 'Wolkvox CRM account' };

/**
 * @param {{ parameters: Record<string, unknown>, items?: Array<Record<string, unknown>>, nodeName?: string,
 *   settings?: Record<string, unknown>, credential?: { id: string, name: string } }} spec items: the trigger's pinned items (their `json`)
 */
function nodeWorkflow({ parameters, items, nodeName = NODE_NAME, settings, credential = BENCH_CREDENTIAL }) {
	return {
		name: `bench ${parameters.operation}`,
		nodes: [
			{ id: 'trigger', name: TRIGGER_NAME, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'wolkvox',
				name: nodeName,
				type: 'n8n-nodes-wolkvox-crm.wolkvoxCrm',
				typeVersion: 1,
				position: [220, 0],
				parameters,
				credentials: { wolkvoxCrmApi: { id: credential.id, name: credential.name } },
				onError: 'stopWorkflow',
			},
		],
		connections: { [TRIGGER_NAME]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
		...(items ? { pinData: { [TRIGGER_NAME]: items.map((json) => ({ json })) } } : {}),
		...(settings ? { settings } : {}),
	};
}

module.exports = { nodeWorkflow, NODE_NAME, TRIGGER_NAME };
