// @ts-check
'use strict';
/**
 * A small harness that runs workflow JSON (as exported from the n8n editor) through n8n-core's
 * own WorkflowExecute, so that the node is exercised the way n8n runs it: parameters resolved
 * by n8n's expression engine, credentials applied by the credential type's `authenticate`,
 * requests sent by n8n's HTTP helpers, errors handled by the engine's continue-on-fail logic.
 *
 * Plain JavaScript so the tests (ts-jest) and the demo script (node) share it as it is.
 */
const os = require('node:os');
const path = require('node:path');

// n8n-core reads its instance settings from the user folder and would create ~/.n8n with a
// fresh encryption key; keep the harness out of the user's home.
process.env.N8N_USER_FOLDER ??= path.join(os.tmpdir(), 'n8n-nodes-wolkvox-crm-harness');
process.env.N8N_ENCRYPTION_KEY ??= 'harness-only-encryption-key';
// n8n-core's logger would print every node error on stdout.
process.env.N8N_LOG_LEVEL ??= 'silent';

const { ExecuteContext, ExecutionLifecycleHooks, PollContext, RoutingNode, WorkflowExecute } = require('n8n-core');
const { ICredentialsHelper, NodeHelpers, Workflow } = require('n8n-workflow');

/** @typedef {import('n8n-workflow').INodeType} INodeType */
/** @typedef {import('n8n-workflow').ICredentialType} ICredentialType */
/** @typedef {import('n8n-workflow').ICredentialDataDecryptedObject} CredentialData */
/** @typedef {import('n8n-workflow').IHttpRequestOptions} IHttpRequestOptions */
/** @typedef {import('n8n-workflow').INodeExecutionData} INodeExecutionData */
/** @typedef {import('n8n-workflow').IRun} IRun */

/** n8n's Manual Trigger, reduced to what a run needs: one empty item. */
class ManualTrigger {
	constructor() {
		/** @type {import('n8n-workflow').INodeTypeDescription} */
		this.description = {
			displayName: 'Manual Trigger',
			name: 'manualTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Starts the workflow',
			defaults: { name: 'Manual Trigger' },
			inputs: [],
			outputs: ['main'],
			properties: [],
		};
	}

	/** @this {import('n8n-workflow').IExecuteFunctions} */
	async execute() {
		return [[{ json: {} }]];
	}
}

class NodeTypes {
	/** @param {Record<string, INodeType>} byType full type names, e.g. n8n-nodes-wolkvox-crm.wolkvoxCrm */
	constructor(byType) {
		this.byType = { 'n8n-nodes-base.manualTrigger': new ManualTrigger(), ...byType };
	}

	/** @param {string} type */
	getByName(type) {
		const nodeType = /** @type {Record<string, INodeType>} */ (this.byType)[type];
		if (!nodeType) throw new Error(`The harness does not know the node type "${type}"`);
		return nodeType;
	}

	/** @param {string} type @param {number} [version] */
	getByNameAndVersion(type, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}

/** Serves the decrypted credentials and applies the credential type's authentication, as n8n does. */
class CredentialsHelper extends ICredentialsHelper {
	/**
	 * @param {Record<string, ICredentialType>} credentialTypes by credential type name
	 * @param {Record<string, CredentialData>} credentials decrypted data by credential type name
	 */
	constructor(credentialTypes, credentials) {
		super();
		this.credentialTypes = credentialTypes;
		this.credentials = credentials;
		/** Every request after authentication, so tests can see exactly what was sent. */
		/** @type {IHttpRequestOptions[]} */
		this.authenticatedRequests = [];
	}

	getParentTypes() {
		return [];
	}

	/**
	 * @param {CredentialData} credentials
	 * @param {string} typeName
	 * @param {IHttpRequestOptions} requestOptions
	 */
	async authenticate(credentials, typeName, requestOptions) {
		const credentialType = this.credentialTypes[typeName];
		if (!credentialType) throw new Error(`The harness does not know the credential type "${typeName}"`);
		if (typeof credentialType.authenticate !== 'function') {
			// Only function-style authentication is implemented; refuse rather than send unauthenticated.
			throw new Error(`The harness cannot apply the declarative authentication of "${typeName}"`);
		}
		const authenticated = await credentialType.authenticate(credentials, requestOptions);
		this.authenticatedRequests.push(authenticated);
		return authenticated;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getCredentialsProperties() {
		return [];
	}

	/** @param {unknown} _additionalData @param {unknown} _nodeCredentials @param {string} type */
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		const data = this.credentials[type];
		if (!data) throw new Error(`No credentials of type "${type}" were given to the harness`);
		return { ...data };
	}

	/** @returns {Promise<never>} */
	async getCredentials() {
		throw new Error('The harness does not store encrypted credentials');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	isCredentialUsableByNode() {
		return true;
	}
}

/**
 * Only what a run of a regular node reads.
 * @param {CredentialsHelper} credentialsHelper
 * @param {ExecutionLifecycleHooks} hooks
 * @returns {any}
 */
function makeAdditionalData(credentialsHelper, hooks) {
	return {
	credentialsHelper,
	hooks,
	executionId: 'harness-execution',
	currentNodeExecutionIndex: 0,
	restApiUrl: 'http://127.0.0.1:5678/rest',
	instanceBaseUrl: 'http://127.0.0.1:5678/',
	formBaseUrl: 'http://127.0.0.1:5678/form',
	formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
	formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
	webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
	webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
	webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
	mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
	mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
	variables: {},
	userId: 'harness-user',
	setExecutionStatus: () => {},
	sendDataToUI: () => {},
	executeWorkflow: async () => {
		throw new Error('The harness does not run sub-workflows');
	},
	getRunExecutionData: async () => undefined,
	getRuntimeCredential: async () => undefined,
	logAiEvent: () => {},
	};
}


/**
 * Runs a workflow and resolves with what n8n would store about the run.
 *
 * @param {object} options
 * @param {any} options.workflow workflow JSON: nodes, connections, optional pinData and settings
 * @param {Record<string, INodeType>} options.nodeTypes node implementations by full type name
 * @param {Record<string, ICredentialType>} options.credentialTypes credential types by name
 * @param {Record<string, CredentialData>} options.credentials decrypted credential data by type name
 */
async function runWorkflow({ workflow, nodeTypes, credentialTypes, credentials }) {
	const credentialsHelper = new CredentialsHelper(credentialTypes, credentials);
	const workflowInstance = new Workflow({
		id: 'harness',
		name: workflow.name ?? 'harness',
		nodes: workflow.nodes,
		connections: workflow.connections,
		nodeTypes: new NodeTypes(nodeTypes),
		settings: { executionOrder: 'v1', ...(workflow.settings ?? {}) },
		active: false,
		staticData: {},
	});

	const hooks = new ExecutionLifecycleHooks('manual', 'harness-execution', {
		id: 'harness',
		name: workflow.name ?? 'harness',
		active: false,
		isArchived: false,
		nodes: workflow.nodes,
		connections: workflow.connections,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	});

	const additionalData = makeAdditionalData(credentialsHelper, hooks);
	const workflowExecute = new WorkflowExecute(additionalData, 'manual');
	/** @type {IRun} */
	const run = await workflowExecute.run({ workflow: workflowInstance, pinData: workflow.pinData });
	return new RunResult(run, credentialsHelper.authenticatedRequests);
}

/** What tests and the demo read from a run. */
class RunResult {
	/** @param {IRun} run @param {IHttpRequestOptions[]} authenticatedRequests */
	constructor(run, authenticatedRequests) {
		this.run = run;
		this.authenticatedRequests = authenticatedRequests;
	}

	get status() {
		return this.run.status;
	}

	/** The workflow-level error (set when a node failed and the run stopped). */
	get error() {
		return this.run.data.resultData.error;
	}

	/** @param {string} nodeName */
	taskOf(nodeName) {
		const tasks = this.run.data.resultData.runData[nodeName];
		if (!tasks || tasks.length === 0) throw new Error(`Node "${nodeName}" did not run`);
		return tasks[tasks.length - 1];
	}

	/**
	 * Items of one output of a node (0 = main, 1 = error output when "continue using error output").
	 * @param {string} nodeName @param {number} [output]
	 * @returns {INodeExecutionData[]}
	 */
	outputOf(nodeName, output = 0) {
		const main = this.taskOf(nodeName).data?.main ?? [];
		return /** @type {INodeExecutionData[]} */ (main[output] ?? []);
	}

	/** @param {string} nodeName the execution hints the node added, as shown under its output */
	hintsOf(nodeName) {
		return (this.taskOf(nodeName).hints ?? []).map((/** @type {{ message: string }} */ hint) => hint.message);
	}

	/** @param {string} nodeName the error that stopped this node, if any */
	nodeError(nodeName) {
		return this.taskOf(nodeName).error;
	}
}

/**
 * A polling trigger as n8n runs an active one: one Workflow for all polls (so the node's static
 * data lives from poll to poll, as in n8n's memory) and a fresh PollContext per poll.
 */
class Poller {
	/**
	 * @param {object} options
	 * @param {any} options.workflow workflow JSON with the trigger node
	 * @param {string} options.nodeName the trigger's name
	 * @param {Record<string, INodeType>} options.nodeTypes
	 * @param {Record<string, ICredentialType>} options.credentialTypes
	 * @param {Record<string, CredentialData>} options.credentials
	 * @param {number} [options.pollBudgetMs] what getPollBudgetMs() says (n8n's default: 5 minutes)
	 */
	constructor({ workflow, nodeName, nodeTypes, credentialTypes, credentials, pollBudgetMs }) {
		this.pollBudgetMs = pollBudgetMs;
		this.credentialsHelper = new CredentialsHelper(credentialTypes, credentials);
		this.types = new NodeTypes(nodeTypes);
		this.workflow = new Workflow({
			id: 'harness',
			name: workflow.name ?? 'harness',
			nodes: workflow.nodes,
			connections: workflow.connections ?? {},
			nodeTypes: this.types,
			settings: { executionOrder: 'v1', ...(workflow.settings ?? {}) },
			active: true,
			staticData: {},
		});
		const node = this.workflow.getNode(nodeName);
		if (!node) throw new Error(`The workflow has no node "${nodeName}"`);
		this.node = node;
		const hooks = new ExecutionLifecycleHooks('trigger', 'harness-poll', /** @type {any} */ ({ id: 'harness', nodes: workflow.nodes, connections: {} }));
		this.additionalData = makeAdditionalData(this.credentialsHelper, hooks);
	}

	/**
	 * One poll: what it returned (null = nothing new), or the error it threw.
	 * @param {'trigger' | 'manual'} [mode]
	 * @returns {Promise<{ items: INodeExecutionData[] | null, error?: any }>}
	 */
	async poll(mode = 'trigger') {
		const budget = this.pollBudgetMs;
		const context = new PollContext(
			this.workflow,
			this.node,
			this.additionalData,
			mode,
			mode === 'manual' ? 'manual' : 'activate',
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
			budget === undefined ? undefined : () => budget,
		);
		const nodeType = this.types.getByNameAndVersion(this.node.type, this.node.typeVersion);
		if (!nodeType.poll) throw new Error(`"${this.node.type}" is not a polling node`);
		try {
			const output = await nodeType.poll.call(context);
			return { items: output === null ? null : output[0] };
		} catch (error) {
			return { items: null, error };
		}
	}

	/** The node's static data as n8n would store it. */
	get staticData() {
		return JSON.parse(JSON.stringify(this.workflow.getStaticData('node', this.node)));
	}

	get authenticatedRequests() {
		return this.credentialsHelper.authenticatedRequests;
	}
}

/**
 * Every string reachable from a value, including the non-enumerable message, stack,
 * description and cause of errors: for scanning a run for a secret.
 * @param {unknown} value
 * @returns {string[]}
 */
function collectStrings(value) {
	/** @type {string[]} */
	const found = [];
	const seen = new Set();
	/** @param {unknown} current */
	const visit = (current) => {
		if (typeof current === 'string') {
			found.push(current);
			return;
		}
		if (current === null || typeof current !== 'object' || seen.has(current)) return;
		seen.add(current);
		const keys = current instanceof Error ? Object.getOwnPropertyNames(current) : Object.keys(current);
		if (current instanceof Error && 'cause' in current && !keys.includes('cause')) keys.push('cause');
		for (const key of keys) {
			found.push(key);
			try {
				visit(/** @type {any} */ (current)[key]);
			} catch {
				// a getter that throws holds nothing we could leak
			}
		}
	};
	visit(value);
	return found;
}

/**
 * Runs a credential's declarative test the way n8n's credential tester does: the test request
 * goes through n8n's RoutingNode (expressions resolved, authentication applied), a thrown HTTP
 * error is matched against the `responseCode` rules, a success against `responseSuccessBody`.
 *
 * @param {object} options
 * @param {ICredentialType} options.credentialType
 * @param {CredentialData} options.credentials decrypted data as the user filled in the form
 * @returns {Promise<{ status: 'OK' | 'Error', message: string, requests: IHttpRequestOptions[] }>}
 */
async function testCredential({ credentialType, credentials }) {
	const testRequest = credentialType.test;
	if (!testRequest) throw new Error(`"${credentialType.name}" declares no credential test`);
	const credentialsHelper = new CredentialsHelper({ [credentialType.name]: credentialType }, {
		[credentialType.name]: credentials,
	});

	/** @type {any} a node whose only job is to send the test request */
	const testNodeType = {
		description: {
			displayName: 'Credential test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: testRequest.request } },
			],
		},
	};
	/** @type {import('n8n-workflow').INode} */
	const node = {
		id: 'credential-test',
		name: 'Credential test',
		type: 'harness.credentialTest',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType.name]: { id: 'credential', name: 'credential' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new NodeTypes({ 'harness.credentialTest': testNodeType }),
	});
	const hooks = new ExecutionLifecycleHooks('internal', 'credential-test', /** @type {any} */ ({ nodes: [node], connections: {} }));
	const additionalData = makeAdditionalData(credentialsHelper, hooks);
	const inputData = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		/** @type {any} */ ({ resultData: { runData: {} } }),
		0,
		[],
		inputData,
		{ node, data: {}, source: null },
		[],
	);
	const decrypted = { id: 'credential', name: 'credential', type: credentialType.name, data: credentials };
	const rules = /** @type {any[]} */ (testRequest.rules ?? []);
	const requests = credentialsHelper.authenticatedRequests;

	/** @type {any} */
	let response;
	try {
		response = await new RoutingNode(context, testNodeType, decrypted).runNode();
	} catch (/** @type {any} */ error) {
		const httpResponse = error.cause?.response;
		if (httpResponse) {
			const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === httpResponse.status);
			if (rule) return { status: 'Error', message: rule.properties.message, requests };
			return { status: 'Error', message: httpResponse.statusText || `Received HTTP status code: ${httpResponse.status}`, requests };
		}
		if (error.cause?.code) return { status: 'Error', message: error.cause.code, requests };
		return { status: 'Error', message: String(error.message), requests };
	}
	const body = response?.[0]?.[0]?.json ?? {};
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && body[rule.properties.key] === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message, requests };
		}
	}
	return { status: 'OK', message: 'Connection successful!', requests };
}

module.exports = { runWorkflow, testCredential, collectStrings, CredentialsHelper, NodeTypes, Poller, makeAdditionalData };
