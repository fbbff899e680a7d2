/**
 * Record → Search in tests: the workflow builder and a small stand-in for custom/queryDates.php
 * (inclusive bounds on wolkvox_fecha_creacion, oldest first, at most min(limit, cap) records),
 * used with nock until the sandbox has the endpoint, and by the property tests.
 */
import nock from 'nock';
import type { INodeParameters } from 'n8n-workflow';

import { ORIGIN, deleteWorkflow } from './node';

export const QUERY_PATH = '/server/API/v2/custom/query.php';
export const QUERY_DATES_PATH = '/server/API/v2/custom/queryDates.php';

type OnError = Parameters<typeof deleteWorkflow>[2];

/** Manual Trigger (items pinned) → Wolkvox CRM Record → Search, in the given workflow time zone. */
export function searchWorkflow(
	parameters: INodeParameters,
	items: Array<Record<string, unknown>> = [{}],
	onError: OnError = 'stopWorkflow',
	timezone = 'UTC',
) {
	return { ...deleteWorkflow({ operation: 'search', ...parameters }, items, onError), settings: { timezone } };
}

/** The success envelope of a query answer, as the real API writes it. */
export const foundAnswer = (records: unknown[]) => ({
	code: '200',
	error: 'null',
	msg: `${records.length} records were are found`,
	data: records,
});

/** "YYYY-MM-DD HH:MM[:SS]" as seconds; a minute bound means :00, or :59 with `minuteMeansEnd` for `to`. */
export function boundSeconds(text: string, isTo = false, minuteMeansEnd = false): number {
	const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
	if (!match) throw new Error(`bad bound ${text}`);
	const [, y, mo, d, h, mi, s] = match;
	const seconds = Date.UTC(+y, +mo - 1, +d, +h, +mi, s === undefined ? 0 : +s) / 1000;
	return s === undefined && isTo && minuteMeansEnd ? seconds + 59 : seconds;
}

/** "YYYY-MM-DD HH:MM:SS" of wall-clock seconds, as records carry it. */
export const stamp = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

export interface FakeCrm {
	records: Array<Record<string, unknown>>;
	/** The most records one answer holds. */
	cap: number;
	/** Read a minute-precision `to` as its last second (the other reading of the real API). */
	minuteMeansEnd?: boolean;
	/** Answers carry "Total records": every match, also those over the cap. */
	reportsTotal?: boolean;
	/** Newest records first (the cap then keeps the newest). */
	newestFirst?: boolean;
}

/** What queryDates.php answers for this body. */
export function answerQueryDates(crm: FakeCrm, body: Record<string, unknown>) {
	const from = boundSeconds(String(body.from));
	const to = boundSeconds(String(body.to), true, crm.minuteMeansEnd);
	const limit = body.limit === undefined ? Infinity : Number(body.limit);
	const hits = crm.records.filter((record) => {
		const created = boundSeconds(String(record.wolkvox_fecha_creacion));
		return created >= from && created <= to;
	});
	if (crm.newestFirst) hits.reverse();
	const answer = foundAnswer(hits.slice(0, Math.min(limit, crm.cap)));
	return crm.reportsTotal ? { ...answer, 'Total records': hits.length } : answer;
}

/** Answers every queryDates.php request from the fake CRM and keeps the bodies. */
export function serveQueryDates(crm: FakeCrm): Array<Record<string, unknown>> {
	const bodies: Array<Record<string, unknown>> = [];
	nock(ORIGIN)
		.post(QUERY_DATES_PATH)
		.times(100_000)
		.reply((_, body) => {
			bodies.push(body as Record<string, unknown>);
			return [200, answerQueryDates(crm, body as Record<string, unknown>)];
		});
	return bodies;
}

/** `count` records created at the given seconds (sorted oldest first, as the CRM returns them). */
export function recordsAt(seconds: number[]): Array<Record<string, unknown>> {
	return [...seconds]
		.sort((a, b) => a - b)
		.map((second, index) => ({
			namecontact: `Contact ${index}`,
			wolkvox_id: `id${String(index).padStart(6, '0')}`,
			wolkvox_fecha_creacion: stamp(second),
		}));
}
