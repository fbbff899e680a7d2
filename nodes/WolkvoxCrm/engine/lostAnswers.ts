/**
 * What a batch run (engine/batches.ts) does after a request lost its answer and a later attempt
 * says "not found": for a delete that means the lost attempt did the job, but only a server
 * that writes partially tells which units it did. This module learns which kind of server it
 * is (from answers confirming only some units, or from one probe) and settles the units.
 */
import type { WolkvoxEnvelope } from '../transport/envelope';
import type { BatchOperation, Target } from './batchOperation';
import type { Batch, BatchSender, UnitState } from './batchPlan';

/** Where the probe borrows a unit from: the plan of the same run. */
interface UnsentUnits<Unit, Result> {
	takeUnsentUnit(target: Target): UnitState<Unit, Result> | undefined;
	giveBack(state: UnitState<Unit, Result>): void;
}

export class LostAnswers<Unit, Result> {
	/** The server has answered a request confirming only some of its units: it writes what it can. */
	writesPartially = false;

	constructor(
		private readonly operation: BatchOperation<Unit, Result>,
		private readonly plan: UnsentUnits<Unit, Result>,
		private readonly sender: BatchSender<Unit, Result>,
	) {}

	/** Every success answer tells something: some confirmed and some not means a partial server. */
	noteAnswer(confirmed: number, sent: number): void {
		if (confirmed > 0 && confirmed < sent) this.writesPartially = true;
	}

	/**
	 * "Not found" naming nobody, for a request whose earlier attempt lost its answer: all its
	 * units may be gone (that attempt did the job), or only some. A server that deletes
	 * partially answers "not found" only when it knows none of them, so one probe tells which
	 * kind of server this is: the first unit sent again with a unit not sent yet. If the server
	 * removes only the new one, it deletes partially and every unit here is gone; otherwise only
	 * one unit per request can tell which are gone.
	 */
	async settleAfterLostAnswer(batch: Batch<Unit, Result>): Promise<void> {
		if (!this.writesPartially) await this.probeForPartialWrites(batch);
		const open = batch.units.filter((state) => state.outcome === undefined);
		if (this.writesPartially) this.settleAsDone(open);
		else for (const state of open) await this.sender.send({ ...batch, units: [state] }, true);
	}

	/** The lost attempt did the job for these units (the operation says what that means). */
	settleAsDone(units: Array<UnitState<Unit, Result>>): void {
		for (const state of units) {
			const result = this.operation.settledResult?.(state.unit) as Result;
			state.outcome = { status: 'done', result, settledAfterLostAnswer: true };
		}
	}

	private async probeForPartialWrites(batch: Batch<Unit, Result>): Promise<void> {
		const borrowed = this.plan.takeUnsentUnit(batch.target);
		if (!borrowed) return;
		const probe = { ...batch, units: [batch.units[0], borrowed] };
		let envelope: WolkvoxEnvelope;
		try {
			envelope = await this.sender.request(probe);
		} catch {
			// No answer to learn from: the borrowed unit goes back to be sent with the others.
			this.plan.giveBack(borrowed);
			return;
		}
		const [first, lent] = this.sender.readAnswer(probe, envelope);
		this.sender.settleFromAnswer(borrowed, lent, envelope);
		// The first unit removed now: it still existed. Only the borrowed one removed: a partial server.
		if (first.done) this.sender.settleFromAnswer(batch.units[0], first, envelope);
		else if (lent.done) this.writesPartially = true;
	}
}
