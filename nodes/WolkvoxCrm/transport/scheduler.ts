import { sleep } from 'n8n-workflow';

import type { RequestFailure } from './failures';

/**
 * Answers without a rate limit after which a learned pace is first raised by one, to find the
 * server's real pace. Each raise the server refuses costs a rate-limit answer and its
 * Retry-After, so after a refused raise the next one waits twice as long (up to the last).
 */
const FIRST_SPEED_UP_AFTER = 100;
const LAST_SPEED_UP_AFTER = 100 * 2 ** 7;
/** The most recent finish times kept; the pace can never be set above this. */
const MAX_TRACKED = 1000;

/** What one node run spent, for the hints shown under its output. */
export class RunStats {
	/** Attempts sent: each is one call of the token's daily quota, if it reached the server. */
	requestsSent = 0;
	/** Answers that were a rate limit (429, or 403/416 saying so). */
	rateLimitedAnswers = 0;
	/** The pace (requests per second) the server was last seen to accept, once it limited the run. */
	learnedPace: number | undefined;
	/**
	 * The run's first "TOKEN LIMIT EXCEEDED": every later call would be refused too, and may still
	 * count, so once it is set the scheduler starts no more requests in this run.
	 */
	dailyQuotaRefusal: RequestFailure | undefined;
	/** The items whose requests were not sent because of it. */
	readonly itemsNotSent = new Set<number>();
}

/**
 * Keeps the requests of one node run within the limits: never more than `concurrency` in
 * flight, and never more than a pace of requests reaching the server in any one second. The
 * pace is the user's Max Requests per Second, or, once the server has answered with a rate
 * limit, the pace it has shown it accepts (learned, see `noteRateLimited`), whichever is lower.
 * Every attempt, retries included, passes through here, so it also counts what a run spent,
 * and none starts once the run has met a used-up daily quota (in-flight ones may finish).
 *
 * The server counts arrivals, and a request may travel for a while before it arrives. So a
 * request starts only once the one `pace` places before it has *finished* (its answer, or its
 * failure, is back, so it has certainly arrived) at least a second ago: then any two arrivals
 * `pace` apart are more than a second apart, whatever the network does.
 */
export class RequestScheduler {
	private inFlight = 0;
	private readonly waiting: Array<() => void> = [];
	/** When each of the most recent requests finished, oldest first. */
	private readonly finishedAt: Array<Promise<number>> = [];
	/** When the most recent answers without a rate limit came back, oldest first. */
	private readonly acceptedAt: number[] = [];
	private learnedPace: number | undefined;
	private acceptedSinceLearning = 0;
	private speedUpAfter = FIRST_SPEED_UP_AFTER;
	/** The pace was raised since the last rate limit: a limit now means the raise was too much. */
	private raisedSinceLimit = false;
	private pausedUntil = 0;
	/** In flight at most: the concurrency, lowered by one at each "too many simultaneous requests". */
	private allowed: number;

	constructor(
		readonly concurrency: number,
		readonly maxPerSecond: number,
		/** Shared by every scheduler of one node run, so the run's totals survive new options. */
		readonly stats: RunStats = new RunStats(),
	) {
		this.allowed = concurrency;
	}

	/** How many requests may be in flight now (the concurrency, or less once the token was busy). */
	get allowedInFlight(): number {
		return this.allowed;
	}

	/** The pace in force: the user's cap or the learned one, whichever is lower; 0 = none. */
	get pace(): number {
		const caps = [this.maxPerSecond, this.learnedPace ?? 0].filter((cap) => cap > 0);
		return caps.length ? Math.min(...caps) : 0;
	}

	/**
	 * Runs `task` when its turn comes; once the run has met a used-up daily quota, returns
	 * `ifQuotaUsedUp(refusal)` instead, without starting it.
	 */
	async run<T>(task: () => Promise<T>, ifQuotaUsedUp: (refusal: RequestFailure) => T): Promise<T> {
		await this.acquireSlot();
		let finished: (at: number) => void = () => {};
		try {
			if (this.stats.dailyQuotaRefusal) return ifQuotaUsedUp(this.stats.dailyQuotaRefusal);
			finished = await this.waitForStartTime();
			// Again at the last moment: a request that waited for its turn must not start after the refusal.
			if (this.stats.dailyQuotaRefusal) return ifQuotaUsedUp(this.stats.dailyQuotaRefusal);
			this.stats.requestsSent++;
			return await task();
		} finally {
			finished(Date.now());
			this.releaseSlot();
		}
	}

	/** An answer without a rate limit: remembered as a pace the server accepts. */
	noteAccepted(): void {
		const now = Date.now();
		this.acceptedAt.push(now);
		while (this.acceptedAt.length > 0 && this.acceptedAt[0] < now - 1000) this.acceptedAt.shift();
		if (this.learnedPace !== undefined && ++this.acceptedSinceLearning >= this.speedUpAfter) {
			this.learnedPace = Math.min(MAX_TRACKED, this.learnedPace + 1);
			this.acceptedSinceLearning = 0;
			this.raisedSinceLimit = true;
		}
	}

	/**
	 * A rate-limit answer: from now on the whole run keeps to the pace the server accepted in
	 * the last second, and waits out its Retry-After (as capped by the caller), instead of
	 * every request finding the limit by itself. `tokenBusy` (too many simultaneous requests
	 * with the token, other runs may be using it) is not about the pace: it lowers the requests
	 * in flight by one, down to one.
	 */
	noteRateLimited(retryAfterMs: number | undefined, tokenBusy = false): void {
		this.stats.rateLimitedAnswers++;
		const now = Date.now();
		const acceptedLastSecond = this.acceptedAt.filter((at) => at >= now - 1000).length;
		if (tokenBusy) {
			// Not a pace: other runs had the token's requests in flight. The retry's jittered backoff does the rest.
			this.allowed = Math.max(1, this.allowed - 1);
		} else if (acceptedLastSecond > 0) {
			// (Nothing accepted in the last second, e.g. the limit was used up before the run: no pace to learn, only a wait.)
			if (this.raisedSinceLimit) this.speedUpAfter = Math.min(LAST_SPEED_UP_AFTER, this.speedUpAfter * 2);
			this.raisedSinceLimit = false;
			this.learnedPace =
				this.learnedPace === undefined ? acceptedLastSecond : Math.max(1, Math.min(this.learnedPace - 1, acceptedLastSecond));
			this.acceptedSinceLearning = 0;
			this.stats.learnedPace = this.learnedPace;
		}
		if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
	}

	private async acquireSlot(): Promise<void> {
		if (this.inFlight < this.allowed) {
			this.inFlight++;
			return;
		}
		// The slot is handed over by releaseSlot, so inFlight never exceeds the limit.
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	private releaseSlot(): void {
		this.inFlight--;
		while (this.inFlight < this.allowed && this.waiting.length > 0) {
			this.inFlight++;
			this.waiting.shift()?.();
		}
	}

	/** Waits until this request may start; returns the function that records when it finished. */
	private async waitForStartTime(): Promise<(at: number) => void> {
		let finished: (at: number) => void = () => {};
		const own = new Promise<number>((resolve) => (finished = resolve));
		const pace = this.pace;
		// Below one per second (e.g. 0.2): one request per 1 / pace seconds.
		const places = Math.max(1, Math.floor(pace));
		const windowMs = pace >= 1 ? 1000 : 1000 / pace;
		const earlier = pace > 0 ? this.finishedAt[this.finishedAt.length - places] : undefined;
		this.finishedAt.push(own);
		if (this.finishedAt.length > MAX_TRACKED) this.finishedAt.shift();
		const pause = this.pausedUntil - Date.now();
		if (pause > 0) await sleep(pause);
		if (earlier) {
			const wait = (await earlier) + windowMs - Date.now();
			if (wait > 0) await sleep(wait);
		}
		return finished;
	}
}
