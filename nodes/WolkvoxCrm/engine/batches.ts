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
 *
 * This file runs the workers and reads success answers; the plan of requests is in
 * batchPlan.ts, refused requests in batchRefusals.ts, lost answers in lostAnswers.ts.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { apiRequest, type Connection } from '../transport';
import type { WolkvoxEnvelope } from '../transport/envelope';
import type { BatchOperation, ItemRequest, ItemUnits, SuccessReading, Target, UnitOutcome } from './batchOperation';
import { BatchPlan, type Batch, type BatchSender, type ItemState, type UnitState } from './batchPlan';
import { BatchRefusals } from './batchRefusals';
import { LostAnswers } from './lostAnswers';

export type { BatchOperation, ItemRequest, ItemUnits, SuccessReading, Target, UnitOutcome } from './batchOperation';

/** How long items are read before the event loop gets a turn to send requests and take answers. */
const YIELD_EVERY_MS = 15;
const YIELD_EVERY_ITEMS = 256;

export interface BatchRunOptions {
	maxUnitsPerRequest: number;
	stopOnFirstFailure: boolean;
	/** Read every item before the first request, and see the plan (e.g. to check the quota for it). */
	planBeforeSending?: (plan: { requests: number; firstTarget?: Target; firstItemIndex?: number }) => Promise<void>;
}

export class BatchRun<Unit, Result> {
	private readonly plan: BatchPlan<Unit, Result>;
	private readonly lostAnswers: LostAnswers<Unit, Result>;
	private readonly refusals: BatchRefusals<Unit, Result>;
	/** Set at the first failure without Continue On Fail: nothing more is sent. */
	stopped = false;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly connection: Connection,
		private readonly operation: BatchOperation<Unit, Result>,
		private readonly options: BatchRunOptions,
	) {
		this.plan = new BatchPlan(operation, options.maxUnitsPerRequest);
		// The handlers send through this run, so that every request is settled the same way.
		const sender: BatchSender<Unit, Result> = {
			send: (batch, afterLostAnswer) => this.send(batch, afterLostAnswer),
			request: (batch) => this.request(batch),
			readAnswer: (batch, envelope) => this.readAnswer(batch, envelope),
			settleFromAnswer: (state, reading, envelope) => this.settleFromAnswer(state, reading, envelope),
			settle: (units, outcome) => this.settle(units, outcome),
		};
		this.lostAnswers = new LostAnswers(operation, this.plan, sender);
		this.refusals = new BatchRefusals(operation, this.plan, this.lostAnswers, sender);
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
				if (!planFirst && (itemIndex % YIELD_EVERY_ITEMS === YIELD_EVERY_ITEMS - 1 || Date.now() - lastYield >= YIELD_EVERY_MS)) {
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
				items.push(this.plan.add(itemIndex, request));
			}
		} catch (error) {
			readError = error;
			this.stopped = true;
		}
		this.plan.finishReading();
		if (planFirst && !this.stopped) {
			const { requests, first } = this.plan.queued;
			await this.options.planBeforeSending!({ requests, firstTarget: first?.target, firstItemIndex: first?.firstOwner });
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
		return this.plan.doneCount;
	}

	/** As many workers as requests may be in flight; each takes the next full request. */
	private startWorkers(): Array<Promise<void>> {
		const worker = async () => {
			while (!this.stopped) {
				const batch = this.plan.take();
				if (batch) await this.send(batch, false);
				else if (this.plan.readingDone) return;
				else await this.plan.idle();
			}
		};
		return Array.from({ length: Math.max(1, this.connection.scheduler.concurrency) }, worker);
	}

	private settle(units: Array<UnitState<Unit, Result>>, outcome: UnitOutcome<Result>): void {
		for (const state of units) state.outcome = outcome;
		if (outcome.status !== 'done' && this.options.stopOnFirstFailure) this.stopped = true;
	}

	private async send(batch: Batch<Unit, Result>, afterLostAnswer: boolean): Promise<void> {
		// A request may have lent its last unit to a probe (see lostAnswers.ts).
		if (this.stopped || batch.units.length === 0) return;
		if (batch.units.length > this.plan.maxUnits) {
			// The API refused this size before: cut it down first (the size may shrink again meanwhile).
			const size = this.plan.maxUnits;
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
			await this.refusals.handle(batch, error, afterLostAnswer);
		}
	}

	/** One request for these units: the success answer, or the failure thrown. */
	private async request(batch: Batch<Unit, Result>): Promise<WolkvoxEnvelope> {
		return await apiRequest.call(
			this.context,
			this.connection,
			{
				...this.operation.request(batch.target, batch.units.map((state) => state.unit)),
				resendable: this.operation.resendable,
				itemIndexes: [...new Set(batch.units.map((state) => state.firstOwner))],
			},
			batch.units[0].firstOwner,
		);
	}

	/** Sends the units and settles each from the success answer; throws the failure. */
	private async sendOnce(batch: Batch<Unit, Result>): Promise<void> {
		const envelope = await this.request(batch);
		const readings = this.readAnswer(batch, envelope);
		this.lostAnswers.noteAnswer(readings.filter((reading) => reading.done).length, readings.length);
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
}
