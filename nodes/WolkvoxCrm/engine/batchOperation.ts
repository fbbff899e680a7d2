/**
 * How an operation plugs into the batch engine (engine/batches.ts): what a request for some
 * units looks like, what the answers say about each unit, and whether a lost answer may be
 * resent. A unit is what one request carries many of: an id to delete, a record to create.
 */
import type { ApiRequest, RequestFailure, WolkvoxApiError } from '../transport';
import type { WolkvoxEnvelope } from '../transport/envelope';

export interface Target {
	operation: string;
	module: string;
}

/** What the API said about one unit. `undefined` (no outcome) means it was never sent. */
export type UnitOutcome<Result> =
	| { status: 'done'; result: Result; message?: string; settledAfterLostAnswer?: boolean }
	/** The API refused it, or its answer did not confirm it (`error` absent, `reason` says why). */
	| { status: 'refused'; error?: WolkvoxApiError | Error; reason?: string }
	/** A write that must not be resent lost its answer: it may or may not have taken effect. */
	| { status: 'unknown'; error: WolkvoxApiError };

export type SuccessReading<Result> = { done: true; result: Result } | { done: false; reason: string };

export interface BatchOperation<Unit, Result> {
	/** Sends a unit once per target when two items ask for the same key; none = send every unit. */
	keyOf?: (unit: Unit) => string;
	/** The request for these units; its `recordIds` (all of theirs) are named in its errors. */
	request: (target: Target, units: Unit[]) => ApiRequest;
	/** The record ids a unit names (Update, Delete), so that an item's error names its own. */
	recordIdsOf?: (unit: Unit) => string[];
	/** What a success answer says about each unit, in the order sent. */
	readSuccess: (units: Unit[], envelope: WolkvoxEnvelope) => Array<SuccessReading<Result>>;
	/** The units an error answer names (e.g. the ids it does not know). */
	namedUnits: (units: Unit[], failure: RequestFailure) => Unit[];
	/** Whether a request may be sent again after an attempt that may have taken effect. */
	resendable: boolean;
	/**
	 * Whether "not found" for units whose earlier attempt lost its answer means that attempt
	 * did the job (true for delete: the records are gone; false for update: nothing to update).
	 */
	notFoundAfterLostAnswerIsDone?: boolean;
	/** The result recorded for units settled that way. */
	settledResult?: (unit: Unit) => Result;
}

/** What one input item asked for; `units` in the order it gave them. */
export interface ItemRequest<Unit> {
	target: Target;
	units: Unit[];
}

export interface ItemUnits<Unit, Result> {
	itemIndex: number;
	target: Target;
	/** Its units once each, with their outcomes (shared with other items that asked for the same). */
	units: Array<{ unit: Unit; outcome: UnitOutcome<Result> | undefined }>;
	/** Units it repeated, or that an earlier item already asked for (sent once). */
	duplicates: Unit[];
}
