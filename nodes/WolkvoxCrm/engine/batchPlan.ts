/**
 * The planning half of a batch run (engine/batches.ts): every unit read from the items, each
 * sent once per target when the operation gives it a key, gathered into requests of at most
 * `maxUnits`, and the queue of requests the workers take from while items are still read.
 * It sends nothing itself.
 */
import type { WolkvoxEnvelope } from '../transport/envelope';
import type { BatchOperation, ItemRequest, SuccessReading, Target, UnitOutcome } from './batchOperation';

export interface UnitState<Unit, Result> {
	unit: Unit;
	target: Target;
	/** The item named in errors of requests that carry this unit. */
	firstOwner: number;
	outcome?: UnitOutcome<Result>;
}

export type Batch<Unit, Result> = { target: Target; units: Array<UnitState<Unit, Result>> };

export interface ItemState<Unit, Result> {
	itemIndex: number;
	target: Target;
	states: Array<UnitState<Unit, Result>>;
	duplicates: Unit[];
}

/** Units of one target wait together: a request carries one CRM operation and module. */
function keyOfTarget(target: Target): string {
	return JSON.stringify([target.operation, target.module]);
}

export class BatchPlan<Unit, Result> {
	/** Per target, the units that have a key, by key (to send each once). */
	private readonly units = new Map<string, Map<string, UnitState<Unit, Result>>>();
	private readonly allUnits: Array<UnitState<Unit, Result>> = [];
	/** Per target, units read but not yet in a full request. */
	private readonly pending = new Map<string, Array<UnitState<Unit, Result>>>();
	private readonly queue: Array<Batch<Unit, Result>> = [];
	private readonly idleWorkers: Array<() => void> = [];
	/** Every item has been read: what is pending goes out as it is. */
	readingDone = false;
	/** The request size; it only shrinks (when the API says a request holds too many). */
	maxUnits: number;

	constructor(
		private readonly operation: BatchOperation<Unit, Result>,
		maxUnitsPerRequest: number,
	) {
		this.maxUnits = Math.max(1, Math.floor(maxUnitsPerRequest));
	}

	/** How many units the run changed, for "before the node stopped" messages. */
	get doneCount(): number {
		let done = 0;
		for (const state of this.allUnits) if (state.outcome?.status === 'done') done++;
		return done;
	}

	/** The plan as it stands: how many requests are queued, and the first unit they carry. */
	get queued(): { requests: number; first?: UnitState<Unit, Result> } {
		return { requests: this.queue.length, first: this.queue[0]?.units[0] };
	}

	/** Takes in one item's units: new ones wait for a request, known ones are shared. */
	add(itemIndex: number, request: ItemRequest<Unit>): ItemState<Unit, Result> {
		const targetKey = keyOfTarget(request.target);
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

	/** The next request to send, if one is ready. */
	take(): Batch<Unit, Result> | undefined {
		return this.queue.shift();
	}

	/** Resolves when a request is ready or reading is over. */
	idle(): Promise<void> {
		return new Promise<void>((resolve) => this.idleWorkers.push(resolve));
	}

	finishReading(): void {
		this.readingDone = true;
		this.flushPending();
	}

	/** A unit of this target that no request has carried yet, taken out of its future request. */
	takeUnsentUnit(target: Target): UnitState<Unit, Result> | undefined {
		const targetKey = keyOfTarget(target);
		const queued = this.queue.find((waiting) => waiting.units.length > 0 && keyOfTarget(waiting.target) === targetKey);
		if (queued) return queued.units.pop();
		return this.pending.get(targetKey)?.pop();
	}

	/** Puts back a unit taken with takeUnsentUnit, to be sent with the others. */
	giveBack(state: UnitState<Unit, Result>): void {
		this.enqueueUnit(keyOfTarget(state.target), state);
		if (this.readingDone) this.flushPending();
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

	/** Units waiting for a full request go out as they are (reading is over). */
	private flushPending(): void {
		for (const units of this.pending.values()) if (units.length > 0) this.queue.push({ target: units[0].target, units });
		this.pending.clear();
		for (const wake of this.idleWorkers.splice(0)) wake();
	}
}

/** What the refusal and lost-answer handlers ask of the run that sends (engine/batches.ts). */
export interface BatchSender<Unit, Result> {
	/** Sends the units (in parts if the size shrank) and settles each from what the API says. */
	send(batch: Batch<Unit, Result>, afterLostAnswer: boolean): Promise<void>;
	/** One request for these units: the success answer, or the failure thrown. */
	request(batch: Batch<Unit, Result>): Promise<WolkvoxEnvelope>;
	readAnswer(batch: Batch<Unit, Result>, envelope: WolkvoxEnvelope): Array<SuccessReading<Result>>;
	settleFromAnswer(state: UnitState<Unit, Result>, reading: SuccessReading<Result>, envelope: WolkvoxEnvelope): void;
	settle(units: Array<UnitState<Unit, Result>>, outcome: UnitOutcome<Result>): void;
}
