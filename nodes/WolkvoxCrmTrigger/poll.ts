/**
 * One poll of the trigger: ask the CRM for the records created since the last poll, emit the
 * new ones, remember where it got to. The choices about which records are new live in
 * pollState.ts; this file reads the parameters, sends the requests and stores the state.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { moduleName, withOptions } from '../WolkvoxCrm/actions/record/common.fields';
import type { FetchRange } from '../WolkvoxCrm/engine/paging';
import { formatRange, formatWallSeconds, toWallSeconds } from '../WolkvoxCrm/helpers/dates';
import { readAnswer, type CrmRecord } from '../WolkvoxCrm/helpers/records';
import { simplifyRecord } from '../WolkvoxCrm/helpers/simplify';
import { apiRequest, getConnection, type Connection } from '../WolkvoxCrm/transport';
import { fetchWindow, type CrowdedSecond } from './fetchWindow';
import { newestRecords } from './newestRecords';
import { applyPoll, readState, startState, windowStart, type PollState, type SeenRecord } from './pollState';

const HOUR = 3600;
// Every time zone's clock is between UTC-12 and UTC+14: with these margins a range holds the
// CRM's "now" whatever its (unpublished) zone.
const AHEAD_OF_UTC = 14 * HOUR;
const BEHIND_UTC = 12 * HOUR;
/** How far back activation and manual runs look for the newest record. */
const LOOK_BACK = 7 * 24 * HOUR;
/** How many of the newest records a manual run shows. */
export const MANUAL_RECORDS = 5;
export const DEFAULT_MAX_RECORDS_PER_ANSWER = 200;

interface Target {
	operation: string;
	module: string;
}

/** What the static data holds between polls, per event. */
interface StoredState extends Target, PollState {
	/** The newest crowded second already reported (or known at activation). */
	crowdedSecond?: number;
	/** A crowded second the next poll reports as its error, so that the loss is seen. */
	report?: CrowdedSecond;
}

function readTarget(this: IPollFunctions, connection: Connection): Target {
	const fix = (message: string, description: string) =>
		new NodeOperationError(this.getNode(), message, { itemIndex: 0, description: `Item 0: ${description}` });
	const operation = String(this.getNodeParameter('crmOperation', '') ?? '').trim() || connection.defaultCrmOperation;
	if (operation === '') {
		throw fix('No CRM operation is set', 'fill in CRM Operation on this trigger, or in the Wolkvox CRM API credential (the part after ADMIN_@ in the admin login).');
	}
	const module = moduleName(this.getNodeParameter('module', ''));
	if (module === '') throw fix('No module is set', 'fill in Module with the module name as the CRM shows it, e.g. contacts.');
	return { operation, module };
}

/** The record's creation time as wall-clock seconds, if it has a readable one. */
function createdSecond(record: CrmRecord): number | undefined {
	try {
		return toWallSeconds(record.wolkvox_fecha_creacion, 'UTC');
	} catch {
		return undefined;
	}
}

function seenRecord(record: CrmRecord): SeenRecord {
	const id = record.wolkvox_id;
	// Records without an id are told apart by their content.
	const key = typeof id === 'string' || typeof id === 'number' ? String(id) : JSON.stringify(record);
	return { key, second: createdSecond(record) };
}

function readCap(options: IDataObject): number {
	const cap = Math.floor(Number(options.maxRecordsPerAnswer));
	return Number.isFinite(cap) && cap >= 1 ? cap : DEFAULT_MAX_RECORDS_PER_ANSWER;
}

function crowdedSecondError(this: IPollFunctions, crowded: CrowdedSecond, cap: number): NodeOperationError {
	return new NodeOperationError(
		this.getNode(),
		`Not every record created at ${formatWallSeconds(crowded.second, true)} could be fetched: at least ${crowded.count} share that second`,
		{
			itemIndex: 0,
			description: `Item 0: one answer of the CRM holds at most ${cap} records (Max Records per Answer) and a date range cannot be split below one second. The trigger emitted the ${crowded.count} records it got of that second and went on with the later ones. Find the others with Record → Search (Search By: Field Value), or raise Max Records per Answer if your CRM sends more records per answer. The next poll goes on as usual.`,
		},
	);
}

export async function pollNewRecords(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const connection = withOptions(await getConnection.call(this), options);
	const target = readTarget.call(this, connection);
	const cap = readCap(options);
	const fetch: FetchRange<CrmRecord> = async (from, to, limit) =>
		readAnswer(
			await apiRequest.call(
				this,
				connection,
				{
					method: 'POST',
					endpoint: 'custom/queryDates.php',
					body: { operation: target.operation, module: target.module, date: true, ...formatRange(from, to), limit },
					advice: { notFound: 'check CRM Operation and Module of the trigger (as the CRM shows them)' },
				},
				0,
			),
		);
	const nowSecond = Math.floor(Date.now() / 1000);
	const latest = nowSecond + AHEAD_OF_UTC;
	const lookBackFrom = nowSecond - BEHIND_UTC - LOOK_BACK;
	const simplify = this.getNodeParameter('simplify', true) !== false;
	const toOutput = (records: CrmRecord[]): INodeExecutionData[][] | null =>
		records.length === 0
			? null
			: [records.map((record) => ({ json: (simplify ? simplifyRecord(record) : record) as IDataObject, pairedItem: { item: 0 } }))];

	if (this.getMode() === 'manual') {
		// A sample to map fields from, newest first; the state of the active trigger is not touched.
		const newest = (await newestRecords(fetch, lookBackFrom, latest, cap))
			.map((record, index) => ({ record, index, second: createdSecond(record) ?? -Infinity }))
			.sort((a, b) => b.second - a.second || a.index - b.index);
		return toOutput(newest.slice(0, MANUAL_RECORDS).map((entry) => entry.record));
	}

	const event = String(this.getNodeParameter('event', 'newRecord'));
	const staticData = this.getWorkflowStaticData('node');
	const stored = staticData[event] as Partial<StoredState> | undefined;
	const sameTarget = stored?.operation === target.operation && stored?.module === target.module;
	const state = sameTarget ? readState(stored) : undefined;
	if (!state) {
		// First activation (or another module): start from the CRM's newest record, emit nothing.
		const existing = (await newestRecords(fetch, lookBackFrom, latest, cap)).map(seenRecord);
		const start = startState(existing, lookBackFrom);
		// A crowded newest second is from before activation: nothing to report about it.
		const crowded = existing.filter((record) => record.second === start.cursor).length >= cap;
		staticData[event] = { ...target, ...start, ...(crowded ? { crowdedSecond: start.cursor } : {}) } satisfies StoredState;
		return null;
	}
	if (stored?.report) {
		// Reported once, as a failed poll; the state has already moved on.
		staticData[event] = { ...target, ...state, crowdedSecond: stored.report.second } satisfies StoredState;
		throw crowdedSecondError.call(this, stored.report, cap);
	}

	const from = windowStart(state);
	// getPollBudgetMs is missing in n8n versions before 2.x; they do not abandon polls.
	const budgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : Infinity;
	const { records, crowded } = await fetchWindow(fetch, {
		from,
		to: Math.max(from, latest),
		cap,
		stopAfter: Date.now() + budgetMs / 2,
		now: Date.now,
		holdsNew: (fetched) => applyPoll(state, fetched.map(seenRecord)).emit.length > 0,
		secondOf: createdSecond,
	});
	const { emit, next } = applyPoll(state, records.map(seenRecord));
	const reported = stored?.crowdedSecond;
	const unreported = crowded.filter((entry) => reported === undefined || entry.second > reported);
	const report = unreported.pop();
	// Only now that the poll worked: a failed poll leaves the state for the next one to retry.
	staticData[event] = {
		...target,
		...next,
		...(report ? { crowdedSecond: report.second, report } : reported === undefined ? {} : { crowdedSecond: reported }),
	} satisfies StoredState;
	return toOutput(emit.map((index) => records[index]));
}
