/**
 * The Wolkvox CRM Trigger polled the way n8n polls an active workflow (test/engine's Poller),
 * against a small fake of custom/queryDates.php served with nock: it keeps records with their
 * creation time, answers a date range (both bounds included, oldest first) with at most
 * `limit` / `cap` records, and can refuse the next requests.
 */
import nock from 'nock';
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { WolkvoxCrmApi } from '../../credentials/WolkvoxCrmApi.credentials';
import { WolkvoxCrmTrigger } from '../../nodes/WolkvoxCrmTrigger/WolkvoxCrmTrigger.node';
import { Poller, runWorkflow } from '../engine';
import { credentials, ORIGIN, TOKEN } from './node';

export const TRIGGER_TYPE = 'n8n-nodes-wolkvox-crm.wolkvoxCrmTrigger';
export const TRIGGER_NAME = 'Wolkvox CRM Trigger';
export const QUERY_DATES_PATH = '/server/API/v2/custom/queryDates.php';

type CrmRecord = Record<string, unknown>;

/** "YYYY-MM-DD HH:MM:SS" of a wall-clock second (seconds since 1970 of that wall time read as UTC). */
export const crmTime = (wallSecond: number) => new Date(wallSecond * 1000).toISOString().slice(0, 19).replace('T', ' ');

/** The wall-clock second of "YYYY-MM-DD HH:MM[:SS]". */
export function wallSecondOf(text: string): number {
	const [date, time] = text.split(' ');
	return Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}Z`) / 1000;
}

/** A refusal the fake sends instead of an answer: HTTP status and body. */
type Refusal = [number, IDataObject];

export class FakeCrm {
	records: CrmRecord[] = [];
	/** The bodies of every queryDates request, in order. */
	requests: IDataObject[] = [];
	private refusals: Refusal[] = [];
	private counter = 0;

	/**
	 * @param cap the most records one answer holds (the real API's is not published)
	 * @param hoursFromUtc the fake CRM's clock: its wall time is UTC plus this
	 * @param answers what else is unpublished: whether answers carry "Total records" (every
	 *   match, also over the cap), and their order (the cap keeps the first records)
	 */
	constructor(
		readonly cap = 200,
		readonly hoursFromUtc = 0,
		readonly answers: { reportsTotal?: boolean; newestFirst?: boolean } = {},
	) {
		nock(ORIGIN)
			.persist()
			.post(QUERY_DATES_PATH)
			.reply((_uri, body) => this.answer(body as IDataObject));
	}

	/** The CRM's "now" as a wall-clock second. */
	now(): number {
		return Math.floor(Date.now() / 1000) + this.hoursFromUtc * 3600;
	}

	/** Creates `count` contacts at `second` (the CRM's now when omitted); returns their ids. */
	add(count: number, second = this.now()): string[] {
		const ids: string[] = [];
		for (let i = 0; i < count; i++) {
			const id = `6a${String(++this.counter).padStart(22, '0')}`;
			ids.push(id);
			this.records.push({
				namecontact: `Contact ${this.counter}`,
				telephonecontact: { country: 'Colombia', code: '57', value: `30000000${this.counter}` },
				wolkvox_id: id,
				wolkvox_fecha_creacion: crmTime(second),
			});
		}
		return ids;
	}

	/** The next requests are refused with these answers, one each. */
	refuseNext(...refusals: Refusal[]) {
		this.refusals.push(...refusals);
	}

	private answer(body: IDataObject): [number, IDataObject] {
		this.requests.push(body);
		const refusal = this.refusals.shift();
		if (refusal) return refusal;
		const from = wallSecondOf(String(body.from));
		const to = wallSecondOf(String(body.to));
		const limit = Math.min(Number(body.limit ?? Infinity), this.cap);
		const matches = this.records
			.filter((record) => {
				const second = wallSecondOf(String(record.wolkvox_fecha_creacion));
				return second >= from && second <= to;
			})
			.sort((a, b) => wallSecondOf(String(a.wolkvox_fecha_creacion)) - wallSecondOf(String(b.wolkvox_fecha_creacion)));
		if (this.answers.newestFirst) matches.reverse();
		const hits = matches.slice(0, limit);
		const total = this.answers.reportsTotal ? { 'Total records': matches.length } : {};
		return [200, { code: '200', error: 'null', msg: `${hits.length} records were are found`, data: hits, ...total }];
	}
}

/** The trigger alone in a workflow, with these parameters. */
export function triggerWorkflow(parameters: INodeParameters = {}) {
	return {
		nodes: [
			{
				id: 'trigger',
				name: TRIGGER_NAME,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0] as [number, number],
				parameters: { module: 'contacts', ...parameters },
				credentials: { wolkvoxCrmApi: { id: '1', name: 'Wolkvox CRM account' } },
			},
		],
		connections: {},
	};
}

const engineOptions = (credentialData: ICredentialDataDecryptedObject = credentials()) => ({
	nodeTypes: { [TRIGGER_TYPE]: new WolkvoxCrmTrigger() },
	credentialTypes: { wolkvoxCrmApi: new WolkvoxCrmApi() },
	credentials: { wolkvoxCrmApi: credentialData },
});

/** An active trigger: poll it again and again; its static data lives between polls. */
export function activeTrigger(parameters: INodeParameters = {}, credentialData?: ICredentialDataDecryptedObject, pollBudgetMs?: number) {
	return new Poller({ workflow: triggerWorkflow(parameters), nodeName: TRIGGER_NAME, ...engineOptions(credentialData), pollBudgetMs });
}

/** The editor's "Fetch Test Event": a manual run of a workflow that holds only the trigger. */
export async function manualRun(parameters: INodeParameters = {}) {
	return await runWorkflow({ workflow: triggerWorkflow(parameters), ...engineOptions() });
}

/** The ids of the items a poll emitted. */
export const idsOf = (items: Array<{ json: IDataObject }> | null) => (items ?? []).map((item) => item.json.wolkvox_id);

export { TOKEN };
