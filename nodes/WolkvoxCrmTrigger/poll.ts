/**
 * One poll of the trigger: ask the CRM for the records created since the last poll, emit the
 * new ones, remember where it got to. The choices about which records are new live in
 * pollState.ts; this file reads the parameters, sends the requests and stores the state.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { moduleName, readAnswerCap, withOptions } from '../WolkvoxCrm/actions/record/common.fields';
import { RangeTooDenseError, type FetchRange } from '../WolkvoxCrm/engine/paging';
import { formatRange, formatWallSeconds } from '../WolkvoxCrm/helpers/dates';
import { createdSecondOf, readAnswer, type CrmRecord } from '../WolkvoxCrm/helpers/records';
import { simplifyRecord } from '../WolkvoxCrm/helpers/simplify';
import { apiRequest, getConnection, type Connection } from '../WolkvoxCrm/transport';
import { fetchWindow, type CrowdedSecond } from './fetchWindow';
import { newestRecords } from './newestRecords';
import { applyPoll, pollSettingsFor, readState, startState, windowStart, type PollState, type SeenRecord } from './pollState';

const HOUR = 3600;
// Every time zone's clock is between UTC-12 and UTC+14: with these margins a range holds the
// CRM's "now" whatever its (unpublished) zone.
const AHEAD_OF_UTC = 14 * HOUR;
const BEHIND_UTC = 12 * HOUR;
/** How far back activation and manual runs look for the newest record. */
const LOOK_BACK = 7 * 24 * HOUR;
/** How many of the newest records a manual run shows. */
export const MANUAL_RECORDS = 5;

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
	/** The most records the CRM's answers were seen to hold, when below Max Records per Answer. */
	answerCap?: number;
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

function seenRecord(record: CrmRecord): SeenRecord {
	const id = record.wolkvox_id;
	// Records without an id are told apart by their content.
	const key = typeof id === 'string' || typeof id === 'number' ? String(id) : JSON.stringify(record);
	return { key, second: createdSecondOf(record) };
}


function crowdedSecondError(this: IPollFunctions, crowded: CrowdedSecond, cap: number): NodeOperationError {
	// A report stored by 0.2.0 has no `held`: it held `count` records.
	const dense = new RangeTooDenseError(crowded.second, crowded.count, cap, crowded.held ?? crowded.count);
	return new NodeOperationError(
		this.getNode(),
		`Not every record created at ${formatWallSeconds(crowded.second, true)} could be fetched: at least ${dense.count} share that second`,
		{
			itemIndex: 0,
			description: `Item 0: ${dense.reason}, and a date range cannot be split below one second. The trigger emitted the ${dense.held} records it got of that second and went on with the later ones. Find the others with Record → Search (Search By: Field Value)${
				dense.count > dense.held ? '' : ', or raise Max Records per Answer if your CRM sends more records per answer'
			}. The next poll goes on as usual.`,
		},
	);
}

/** The answer cap the CRM showed: an answer that held fewer records than asked for while reporting more. */
function shownCap(answer: { records: unknown[]; reportedTotal?: number }, limit: number): number | undefined {
	const count = answer.records.length;
	return count >= 1 && count < limit && (answer.reportedTotal ?? 0) > count ? count : undefined;
}

export async function pollNewRecords(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const connection = withOptions(await getConnection.call(this), options);
	const target = readTarget.call(this, connection);
	const event = String(this.getNodeParameter('event', 'newRecord'));
	const staticData = this.getWorkflowStaticData('node');
	const stored = staticData[event] as Partial<StoredState> | undefined;
	const sameTarget = stored?.operation === target.operation && stored?.module === target.module;
	// A CRM whose answers hold fewer records than Max Records per Answer, as its totals showed, is
	// asked as what it is: the window asked again then stays below half of its answers.
	const maxPerAnswer = readAnswerCap(options);
	const shown = sameTarget ? Number(stored?.answerCap) : NaN;
	const cap = Number.isInteger(shown) && shown >= 1 ? Math.min(maxPerAnswer, shown) : maxPerAnswer;
	let answerCap = cap;
	const fetch: FetchRange<CrmRecord> = async (from, to, limit) => {
		const answer = readAnswer(
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
		answerCap = Math.min(answerCap, shownCap(answer, limit) ?? Infinity);
		return answer;
	};
	const learned = () => (answerCap < maxPerAnswer ? { answerCap } : {});
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
			.map((record, index) => ({ record, index, second: createdSecondOf(record) ?? -Infinity }))
			.sort((a, b) => b.second - a.second || a.index - b.index);
		return toOutput(newest.slice(0, MANUAL_RECORDS).map((entry) => entry.record));
	}

	const state = sameTarget ? readState(stored) : undefined;
	if (!state) {
		// First activation (or another module): start from the CRM's newest record, emit nothing.
		const existing = (await newestRecords(fetch, lookBackFrom, latest, cap)).map(seenRecord);
		const start = startState(existing, lookBackFrom, pollSettingsFor(answerCap));
		// A crowded newest second is from before activation: nothing to report about it.
		const crowded = existing.filter((record) => record.second === start.cursor).length >= answerCap;
		staticData[event] = { ...target, ...start, ...learned(), ...(crowded ? { crowdedSecond: start.cursor } : {}) } satisfies StoredState;
		return null;
	}
	if (stored?.report) {
		// Reported once, as a failed poll; the state has already moved on.
		staticData[event] = { ...target, ...state, ...learned(), crowdedSecond: stored.report.second } satisfies StoredState;
		throw crowdedSecondError.call(this, stored.report, cap);
	}

	const settings = pollSettingsFor(cap);
	const from = windowStart(state, settings);
	// getPollBudgetMs is missing in n8n versions before 2.x; they do not abandon polls.
	const budgetMs = typeof this.getPollBudgetMs === 'function' ? this.getPollBudgetMs() : Infinity;
	const { records, crowded } = await fetchWindow(fetch, {
		from,
		to: Math.max(from, latest),
		cap,
		stopAfter: Date.now() + budgetMs / 2,
		now: Date.now,
		holdsNew: (fetched) => applyPoll(state, fetched.map(seenRecord), settings).emit.length > 0,
		secondOf: createdSecondOf,
	});
	// The settings the window was asked with (what this poll learnt of the answers counts from the next one).
	const { emit, next } = applyPoll(state, records.map(seenRecord), settings);
	const reported = stored?.crowdedSecond;
	const unreported = crowded.filter((entry) => reported === undefined || entry.second > reported);
	const report = unreported.pop();
	// Only now that the poll worked: a failed poll leaves the state for the next one to retry.
	staticData[event] = {
		...target,
		...next,
		...learned(),
		...(report ? { crowdedSecond: report.second, report } : reported === undefined ? {} : { crowdedSecond: reported }),
	} satisfies StoredState;
	return toOutput(emit.map((index) => records[index]));
}
