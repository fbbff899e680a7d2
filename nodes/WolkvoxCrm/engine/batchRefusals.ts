/**
 * What a batch run (engine/batches.ts) does when the API refuses a request: find the units
 * that caused it, so that only their items fail. The answer may name them (e.g. the ids it
 * does not know); otherwise the request is halved until the culprits stand alone. A 416
 * ("too many at once") halves the request size for the rest of the run instead. Writes that
 * must not be resent, and whose answer was lost, are "unknown" and never sent again.
 */
import { WolkvoxApiError } from '../transport';
import type { BatchOperation } from './batchOperation';
import type { Batch, BatchPlan, BatchSender } from './batchPlan';
import type { LostAnswers } from './lostAnswers';

/** Errors about the records themselves: worth narrowing down to the units that caused them. */
const RECORD_LEVEL_CODES = new Set([400, 404, 412, 417]);
const NOT_FOUND_CODES = new Set([400, 404]);

export class BatchRefusals<Unit, Result> {
	/** Error signatures that failed every unit of a narrowed-down batch: not about the units. */
	private readonly wholeBatchErrors = new Set<string>();

	constructor(
		private readonly operation: BatchOperation<Unit, Result>,
		private readonly plan: BatchPlan<Unit, Result>,
		private readonly lostAnswers: LostAnswers<Unit, Result>,
		private readonly sender: BatchSender<Unit, Result>,
	) {}

	/** Settles the units of a refused request, or sends them again in smaller requests. */
	async handle(batch: Batch<Unit, Result>, error: unknown, afterLostAnswer: boolean): Promise<void> {
		if (!(error instanceof WolkvoxApiError)) {
			this.sender.settle(batch.units, { status: 'refused', error: error as Error });
			return;
		}
		const failure = error.requestFailure;
		const lostAnswer = afterLostAnswer || error.uncertain;
		const code = failure.kind === 'apiError' ? (failure.code ?? 0) : 0;
		const size = batch.units.length;

		if (!this.operation.resendable && error.uncertain) {
			this.sender.settle(batch.units, { status: 'unknown', error });
			return;
		}
		if (code === 416 && size > 1 && !failure.rateLimited) {
			// Too many units at once: halve the size for this and every later request.
			this.plan.maxUnits = Math.max(1, Math.min(this.plan.maxUnits, Math.floor(size / 2)));
			await this.sender.send(batch, lostAnswer);
			return;
		}
		if (!RECORD_LEVEL_CODES.has(code)) {
			this.sender.settle(batch.units, { status: 'refused', error });
			return;
		}

		const namedUnits = new Set(this.operation.namedUnits(batch.units.map((state) => state.unit), failure));
		const named = batch.units.filter((state) => namedUnits.has(state.unit));
		const notFound = NOT_FOUND_CODES.has(code);
		const settlesLostAnswer = lostAnswer && notFound && this.operation.notFoundAfterLostAnswerIsDone === true;
		// "Not found" for all of them after a lost answer: that attempt did the job.
		if (settlesLostAnswer && (named.length === size || size === 1 || (named.length === 0 && this.lostAnswers.writesPartially))) {
			this.lostAnswers.settleAsDone(batch.units);
			return;
		}
		if (named.length > 0 && named.length < size) {
			// Some units are fine, so no earlier attempt of this request took effect: the named ones are the problem.
			this.sender.settle(named, { status: 'refused', error });
			await this.sender.send({ ...batch, units: batch.units.filter((state) => !namedUnits.has(state.unit)) }, false);
			return;
		}
		const signature = `${code}|${failure.apiError ?? ''}`;
		if (size === 1 || named.length === size || this.wholeBatchErrors.has(signature)) {
			this.sender.settle(batch.units, { status: 'refused', error });
			return;
		}
		if (settlesLostAnswer) {
			await this.lostAnswers.settleAfterLostAnswer(batch);
			return;
		}
		const middle = Math.ceil(size / 2);
		await this.sender.send({ ...batch, units: batch.units.slice(0, middle) }, lostAnswer);
		await this.sender.send({ ...batch, units: batch.units.slice(middle) }, lostAnswer);
		if (batch.units.every((state) => state.outcome !== undefined && state.outcome.status !== 'done')) {
			this.wholeBatchErrors.add(signature);
		}
	}
}
