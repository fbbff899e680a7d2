/**
 * "Batch Across Items", for every operation that writes many records: the units of all input
 * items (ids to delete, records to create or update) go to the API in as few requests as the
 * limits allow, and every unit ends with an outcome its item can report.
 *
 * An operation plugs in with a `BatchOperation`: how a request for some units looks, what a
 * success answer says about each unit, which units an error answer names, and whether a request
 * may be sent again after its answer was lost. The engine does the rest, the same way for all:
 * - reads items while requests are in flight (sending starts as soon as one request is full);
 * - sends each unit once (when the operation gives a key: duplicates share one outcome);
 * - keeps within the run's limits (every request goes through the transport's scheduler);
 * - narrows a refused request to the units that caused it (the ones the answer names, else
 *   halves), so only their items fail;
 * - halves the request size when the API says a request holds too many (416);
 * - never resends a write that is not resendable after its answer was lost: its units are
 *   "unknown" (may have taken effect) and the other requests go on;
 * - without Continue On Fail, stops sending at the first failure.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { apiRequest, WolkvoxApiError, type Connection } from '../transport';
import type { WolkvoxEnvelope } from '../transport/envelope';
import type { BatchOperation, ItemRequest, ItemUnits, SuccessReading, Target, UnitOutcome } from './batchOperation';

export type { BatchOperation, ItemRequest, ItemUnits, SuccessReading, Target, UnitOutcome } from './batchOperation';

interface UnitState<Unit, Result> {
	unit: Unit;
	target: Target;
	/** The item named in errors of requests that carry this unit. */
	firstOwner: number;
	outcome?: UnitOutcome<Result>;
}

type Batch<Unit, Result> = { target: Target; units: Array<UnitState<Unit, Result>> };

/** Errors about the records themselves: worth narrowing down to the units that caused them. */
const RECORD_LEVEL_CODES = new Set([400, 404, 412, 417]);
const NOT_FOUND_CODES = new Set([400, 404]);
/** How long items are read before the event loop gets a turn to send requests and take answers. */
const YIELD_EVERY_MS = 15;

export interface BatchRunOptions {
	maxUnitsPerRequest: number;
	stopOnFirstFailure: boolean;
	/** Read every item before the first request, and see the plan (e.g. to check the quota for it). */
	planBeforeSending?: (plan: { requests: number; firstTarget?: Target; firstItemIndex?: number }) => Promise<void>;
}

interface ItemState<Unit, Result> {
	itemIndex: number;
	target: Target;
	states: Array<UnitState<Unit, Result>>;
	duplicates: Unit[];
}

export class BatchRun<Unit, Result> {
	/** Per target, the units that have a key, by key (to send each once). */
	private readonly units = new Map<string, Map<string, UnitState<Unit, Result>>>();
	private readonly allUnits: Array<UnitState<Unit, Result>> = [];
	/** Per target, units read but not yet in a full request. */
	private readonly pending = new Map<string, Array<UnitState<Unit, Result>>>();
	private readonly queue: Array<Batch<Unit, Result>> = [];
	private readonly idleWorkers: Array<() => void> = [];
	private readingDone = false;
	private maxUnits: number;
	/** Error signatures that failed every unit of a narrowed-down batch: not about the units. */
	private readonly wholeBatchErrors = new Set<string>();
	/** The server has answered a request confirming only some of its units: it writes what it can. */
	private writesPartially = false;
	/** Set at the first failure without Continue On Fail: nothing more is sent. */
	stopped = false;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly connection: Connection,
		private readonly operation: BatchOperation<Unit, Result>,
		private readonly options: BatchRunOptions,
	) {
		this.maxUnits = Math.max(1, Math.floor(options.maxUnitsPerRequest));
	}

	/**
	 * Reads `itemCount` items with `readItem` and sends their units. `readItem` returns what the
	 * item asks for or throws for a bad item; `onBadItem` decides: throw again to stop the run
	 * (what is in flight finishes, nothing more is sent).
	 */
	async run(
		itemCount: number,
		readItem: (itemIndex: number) => ItemRequest<Unit>,
		onBadItem: (itemIndex: number, error: unknown) => void,
	): Promise<Array<ItemUnits<Unit, Result>>> {
		const items: Array<ItemState<Unit, Result>> = [];
		const planFirst = this.options.planBeforeSending !== undefined;
		const workers = planFirst ? [] : this.startWorkers();
		let readError: unknown;
		let lastYield = Date.now();
		try {
			for (let itemIndex = 0; itemIndex < itemCount && !this.stopped; itemIndex++) {
				if (!planFirst && Date.now() - lastYield >= YIELD_EVERY_MS) {
					// Let answers in and requests out while the items are read.
					await sleep(0);
					lastYield = Date.now();
				}
				let request: ItemRequest<Unit>;
				try {
					request = readItem(itemIndex);
				} catch (error) {
					onBadItem(itemIndex, error);
					continue;
				}
				items.push(this.add(itemIndex, request));
			}
		} catch (error) {
			readError = error;
			this.stopped = true;
		}
		this.finishReading();
		if (planFirst && !this.stopped) {
			const first = this.queue[0]?.units[0];
			await this.options.planBeforeSending!({ requests: this.queue.length, firstTarget: first?.target, firstItemIndex: first?.firstOwner });
			workers.push(...this.startWorkers());
		}
		await Promise.all(workers);
		if (readError !== undefined) throw readError;
		return items.map(({ itemIndex, target, states, duplicates }) => ({
			itemIndex,
			target,
			duplicates,
			units: states.map((state) => ({ unit: state.unit, outcome: state.outcome })),
		}));
	}

	/** How many units the run changed, for "before the node stopped" messages. */
	get doneCount(): number {
		let done = 0;
		for (const state of this.allUnits) if (state.outcome?.status === 'done') done++;
		return done;
	}

	private add(itemIndex: number, request: ItemRequest<Unit>): ItemState<Unit, Result> {
		const targetKey = JSON.stringify([request.target.operation, request.target.module]);
		let known = this.units.get(targetKey);
		if (!known) this.units.set(targetKey, (known = new Map()));
		const states: Array<UnitState<Unit, Result>> = [];
		const duplicates: Unit[] = [];
		const own = new Set<string>();
		for (const unit of request.units) {
			const key = this.operation.keyOf?.(unit);
			let state = key === undefined ? undefined : known.get(key);
			if (key !== undefined && (own.has(key) || state)) {
				if (!duplicates.includes(unit)) duplicates.push(unit);
				if (own.has(key)) continue;
			}
			if (!state) {
				state = { unit, target: request.target, firstOwner: itemIndex };
				if (key !== undefined) known.set(key, state);
				this.allUnits.push(state);
				this.enqueueUnit(targetKey, state);
			}
			if (key !== undefined) own.add(key);
			states.push(state);
		}
		return { itemIndex, target: request.target, states, duplicates };
	}

	private enqueueUnit(targetKey: string, state: UnitState<Unit, Result>): void {
		let waiting = this.pending.get(targetKey);
		if (!waiting) this.pending.set(targetKey, (waiting = []));
		waiting.push(state);
		if (waiting.length >= this.maxUnits) {
			this.pending.delete(targetKey);
			this.queue.push({ target: state.target, units: waiting });
			this.idleWorkers.shift()?.();
		}
	}

	private finishReading(): void {
		this.readingDone = true;
		this.flushPending();
	}

	/** Units waiting for a full request go out as they are (reading is over). */
	private flushPending(): void {
		for (const units of this.pending.values()) if (units.length > 0) this.queue.push({ target: units[0].target, units });
		this.pending.clear();
		for (const wake of this.idleWorkers.splice(0)) wake();
	}

	/** As many workers as requests may be in flight; each takes the next full request. */
	private startWorkers(): Array<Promise<void>> {
		const worker = async () => {
			while (!this.stopped) {
				const batch = this.queue.shift();
				if (batch) await this.send(batch, false);
				else if (this.readingDone) return;
				else await new Promise<void>((resolve) => this.idleWorkers.push(resolve));
			}
		};
		return Array.from({ length: Math.max(1, this.connection.scheduler.concurrency) }, worker);
	}

	private settle(units: Array<UnitState<Unit, Result>>, outcome: UnitOutcome<Result>): void {
		for (const state of units) state.outcome = outcome;
		if (outcome.status !== 'done' && this.options.stopOnFirstFailure) this.stopped = true;
	}

	private async send(batch: Batch<Unit, Result>, afterLostAnswer: boolean): Promise<void> {
		// A request may have lent its last unit to a probe (see probeForPartialWrites).
		if (this.stopped || batch.units.length === 0) return;
		if (batch.units.length > this.maxUnits) {
			// The API refused this size before: cut it down first (the size may shrink again meanwhile).
			const size = this.maxUnits;
			const parts: Array<Batch<Unit, Result>> = [];
			for (let start = 0; start < batch.units.length; start += size) {
				parts.push({ ...batch, units: batch.units.slice(start, start + size) });
			}
			for (const part of parts) await this.send(part, afterLostAnswer);
			return;
		}
		try {
			await this.sendOnce(batch);
		} catch (error) {
			await this.handleRefusal(batch, error, afterLostAnswer);
		}
	}

	/** One request for these units: the success answer, or the failure thrown. */
	private async request(batch: Batch<Unit, Result>): Promise<WolkvoxEnvelope> {
		return await apiRequest.call(
			this.context,
			this.connection,
			{ ...this.operation.request(batch.target, batch.units.map((state) => state.unit)), resendable: this.operation.resendable },
			batch.units[0].firstOwner,
		);
	}

	/** Sends the units and settles each from the success answer; throws the failure. */
	private async sendOnce(batch: Batch<Unit, Result>): Promise<void> {
		const envelope = await this.request(batch);
		const readings = this.readAnswer(batch, envelope);
		const confirmed = readings.filter((reading) => reading.done).length;
		if (confirmed > 0 && confirmed < readings.length) this.writesPartially = true;
		readings.forEach((reading, index) => this.settleFromAnswer(batch.units[index], reading, envelope));
	}

	private readAnswer(batch: Batch<Unit, Result>, envelope: WolkvoxEnvelope): Array<SuccessReading<Result>> {
		return this.operation.readSuccess(batch.units.map((state) => state.unit), envelope);
	}

	private settleFromAnswer(state: UnitState<Unit, Result>, reading: SuccessReading<Result>, envelope: WolkvoxEnvelope): void {
		const message = typeof envelope.msg === 'string' ? envelope.msg : undefined;
		if (reading.done) this.settle([state], { status: 'done', result: reading.result, message });
		else this.settle([state], { status: 'refused', reason: reading.reason });
	}

	private async handleRefusal(batch: Batch<Unit, Result>, error: unknown, afterLostAnswer: boolean): Promise<void> {
		if (!(error instanceof WolkvoxApiError)) {
			this.settle(batch.units, { status: 'refused', error: error as Error });
			return;
		}
		const failure = error.requestFailure;
		const lostAnswer = afterLostAnswer || error.uncertain;
		const code = failure.kind === 'apiError' ? (failure.code ?? 0) : 0;
		const size = batch.units.length;

		if (!this.operation.resendable && error.uncertain) {
			this.settle(batch.units, { status: 'unknown', error });
			return;
		}
		if (code === 416 && size > 1 && !failure.rateLimited) {
			// Too many units at once: halve the size for this and every later request.
			this.maxUnits = Math.max(1, Math.min(this.maxUnits, Math.floor(size / 2)));
			await this.send(batch, lostAnswer);
			return;
		}
		if (!RECORD_LEVEL_CODES.has(code)) {
			this.settle(batch.units, { status: 'refused', error });
			return;
		}

		const namedUnits = new Set(this.operation.namedUnits(batch.units.map((state) => state.unit), failure));
		const named = batch.units.filter((state) => namedUnits.has(state.unit));
		const notFound = NOT_FOUND_CODES.has(code);
		const settlesLostAnswer = lostAnswer && notFound && this.operation.notFoundAfterLostAnswerIsDone === true;
		// "Not found" for all of them after a lost answer: that attempt did the job.
		if (settlesLostAnswer && (named.length === size || size === 1 || (named.length === 0 && this.writesPartially))) {
			this.settleAsDone(batch.units);
			return;
		}
		if (named.length > 0 && named.length < size) {
			// Some units are fine, so no earlier attempt of this request took effect: the named ones are the problem.
			this.settle(named, { status: 'refused', error });
			await this.send({ ...batch, units: batch.units.filter((state) => !namedUnits.has(state.unit)) }, false);
			return;
		}
		const signature = `${code}|${failure.apiError ?? ''}`;
		if (size === 1 || named.length === size || this.wholeBatchErrors.has(signature)) {
			this.settle(batch.units, { status: 'refused', error });
			return;
		}
		if (settlesLostAnswer) {
			await this.settleAfterLostAnswer(batch);
			return;
		}
		const middle = Math.ceil(size / 2);
		await this.send({ ...batch, units: batch.units.slice(0, middle) }, lostAnswer);
		await this.send({ ...batch, units: batch.units.slice(middle) }, lostAnswer);
		if (batch.units.every((state) => state.outcome !== undefined && state.outcome.status !== 'done')) {
			this.wholeBatchErrors.add(signature);
		}
	}

	/**
	 * "Not found" naming nobody, for a request whose earlier attempt lost its answer: all its
	 * units may be gone (that attempt did the job), or only some. A server that deletes
	 * partially answers "not found" only when it knows none of them, so one probe tells which
	 * kind of server this is: the first unit sent again with a unit not sent yet. If the server
	 * removes only the new one, it deletes partially and every unit here is gone; otherwise only
	 * one unit per request can tell which are gone.
	 */
	private async settleAfterLostAnswer(batch: Batch<Unit, Result>): Promise<void> {
		if (!this.writesPartially) await this.probeForPartialWrites(batch);
		const open = batch.units.filter((state) => state.outcome === undefined);
		if (this.writesPartially) this.settleAsDone(open);
		else for (const state of open) await this.send({ ...batch, units: [state] }, true);
	}

	private async probeForPartialWrites(batch: Batch<Unit, Result>): Promise<void> {
		const borrowed = this.takeUnsentUnit(batch.target);
		if (!borrowed) return;
		const probe = { ...batch, units: [batch.units[0], borrowed] };
		let envelope: WolkvoxEnvelope;
		try {
			envelope = await this.request(probe);
		} catch {
			// No answer to learn from: the borrowed unit goes back to be sent with the others.
			this.enqueueUnit(JSON.stringify([batch.target.operation, batch.target.module]), borrowed);
			if (this.readingDone) this.flushPending();
			return;
		}
		const [first, lent] = this.readAnswer(probe, envelope);
		this.settleFromAnswer(borrowed, lent, envelope);
		// The first unit removed now: it still existed. Only the borrowed one removed: a partial server.
		if (first.done) this.settleFromAnswer(batch.units[0], first, envelope);
		else if (lent.done) this.writesPartially = true;
	}

	/** A unit of this target that no request has carried yet, taken out of its future request. */
	private takeUnsentUnit(target: Target): UnitState<Unit, Result> | undefined {
		const sameTarget = (units: Array<UnitState<Unit, Result>>) =>
			units.length > 0 && units[0].target.operation === target.operation && units[0].target.module === target.module;
		const queued = this.queue.find((waiting) => sameTarget(waiting.units));
		if (queued) return queued.units.pop();
		return [...this.pending.values()].find(sameTarget)?.pop();
	}

	private settleAsDone(units: Array<UnitState<Unit, Result>>): void {
		for (const state of units) {
			const result = this.operation.settledResult?.(state.unit) as Result;
			state.outcome = { status: 'done', result, settledAfterLostAnswer: true };
		}
	}
}
