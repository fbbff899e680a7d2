'use strict';
// Node version 2 in a real n8n: the REST endpoints the editor calls to fill the module list, the
// field mapper and Match Field (same paths and JSON body in n8n 1.49.0 and 2.41.1:
// POST /rest/dynamic-node-parameters/{resource-locator-results,resource-mapper-fields,options}
// with path, methodName, nodeTypeAndVersion, currentNodeParameters, credentials[, filter]),
// against the sandbox; and one version-2 workflow run by CLI (an entry for examples.js).
const { PACKAGE, itemsOf, brief } = require('./verdicts');

const NODE = `${PACKAGE}.wolkvoxCrm`;
const API = /^.*\/server\/API\/v2\//;

/** Pedidos (sandbox/seed.json): its records fill different fields and carry every typed shape. */
const PEDIDOS_FIELDS = [
	['Cliente', 'Cliente (search)', undefined],
	['Telefono de entrega', 'Telefono de entrega (telephone)', undefined],
	['Direccion de entrega', 'Direccion de entrega (address)', undefined],
	['Total', 'Total (currency)', undefined],
	['Productos', 'Productos (table)', undefined],
	['Oportunidad', 'Oportunidad (relation)', undefined],
	['Cantidad', 'Cantidad', 'number'],
	['Notas', 'Notas', 'string'],
	['Cupón', 'Cupón', 'string'],
];

async function editorChecks({ host, r, credential, sandbox }) {
	const ask = async (endpoint, methodName, parameters, extra = {}) => {
		const body = {
			path: extra.path || 'parameters.fieldMapping',
			methodName,
			nodeTypeAndVersion: { name: NODE, version: 2 },
			currentNodeParameters: { resource: 'record', crmOperation: 'demo', ...parameters },
			credentials: { wolkvoxCrmApi: { id: credential.id, name: credential.name } },
			...extra,
		};
		const answer = await host.api('POST', `/rest/dynamic-node-parameters/${endpoint}`, body);
		return { status: answer.status, data: answer.json && answer.json.data, text: answer.text };
	};
	const calls = async () => ((await sandbox.log()) || []).filter((e) => API.test(e.path)).length;

	const modules = await ask('resource-locator-results', 'searchModules', { operation: 'create' }, { path: 'parameters.module', filter: 'con' });
	const listed = ((modules.data && modules.data.results) || []).map((m) => m.value);
	r.check(modules.status === 200 && JSON.stringify(listed) === '["contacts"]', `editor: Module "From List" filtered by "con" offers ${JSON.stringify(listed)} (HTTP ${modules.status})`);

	const before = await calls();
	const module = { __rl: true, mode: 'name', value: 'Pedidos' };
	const mapper = await ask('resource-mapper-fields', 'getMappingFields', { operation: 'create', module });
	const fields = ((mapper.data && mapper.data.fields) || []).map((f) => [f.id, f.displayName, f.type]);
	const spent = (await calls()) - before;
	r.check(
		mapper.status === 200 && JSON.stringify(fields) === JSON.stringify(PEDIDOS_FIELDS) && spent === 1,
		`editor: the mapper's fields of Pedidos (by name) after ${spent} API call(s): ${JSON.stringify(fields)}${mapper.status === 200 ? '' : ` HTTP ${mapper.status} ${mapper.text.slice(0, 200)}`}`,
	);

	const match = await ask('options', 'getFieldNames', { operation: 'upsert', module: { __rl: true, mode: 'list', value: 'contacts' } }, { path: 'parameters.matchField' });
	const names = (match.data || []).map((o) => o.value);
	r.check(
		match.status === 200 && JSON.stringify(names) === '["namecontact","telephonecontact","idcontact","emailcontact","Ciudad"]',
		`editor: Match Field of contacts (from the list) offers ${JSON.stringify(names)}`,
	);

	const empty = await ask('resource-mapper-fields', 'getMappingFields', { operation: 'create', module: { __rl: true, mode: 'name', value: 'Ventaz' } });
	const notice = (empty.data && empty.data.emptyFieldsNotice) || '';
	r.check(
		empty.status === 200 && empty.data.fields.length === 0 && notice.includes('MODULE NOT FOUND'),
		`editor: an unknown module gives no fields and the notice "${notice}"`,
	);
}

/** Node version 2 by CLI: Create in Pedidos through the mapper, the module given by name. */
const ORDER = { Notas: 'smoke v2', Cantidad: 3, 'Telefono de entrega': '3001234567', Total: '9900' };
const VERSION2_EXAMPLE = {
	from: 'delete-many-leads.workflow.json',
	id: 'smokeVersion2Cr1',
	name: 'smoke: node version 2 (module by name, field mapper), create by CLI',
	vary(wf, node) {
		node.typeVersion = 2;
		const schema = PEDIDOS_FIELDS.map(([id, displayName, type]) => ({ id, displayName, required: false, defaultMatch: false, canBeUsedToMatch: true, display: true, type }));
		node.parameters = {
			resource: 'record',
			operation: 'create',
			crmOperation: node.parameters.crmOperation,
			module: { __rl: true, mode: 'name', value: 'Pedidos' },
			fieldMapping: { mappingMode: 'defineBelow', value: ORDER, matchingColumns: [], schema, attemptToConvertTypes: false, convertFieldsToString: false },
		};
	},
	runs: [
		{
			how: 'cli',
			exit: 0,
			requests: () => [{ path: 'custom/insert.php', status: 200, module: 'Pedidos', inserted: '@order' }],
			// The sandbox keeps typed values the way queries return them (without "type").
			records: (ex) => ({ [`${ex.operation}/Pedidos`]: { created: [{ wolkvox_id: '@order', Notas: 'smoke v2', Cantidad: 3, 'Telefono de entrega': '3001234567', Total: { value: '9900', convert: 9900 } }] } }),
			result: (ex, execution, { bound }) => {
				const items = itemsOf(execution, ex.node.name);
				return [execution.status === 'success' && items.length === 1 && items[0].json.wolkvox_id === bound['@order'], `created: ${brief(items)}`];
			},
		},
	],
};

module.exports = { editorChecks, VERSION2_EXAMPLE };
