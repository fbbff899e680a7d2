import { sleep } from 'n8n-workflow';

/**
 * Keeps the requests of one node run within the user's limits: never more than `concurrency`
 * in flight, and (when `maxPerSecond` > 0) never more than `maxPerSecond` reaching the server in
 * any one second. Every attempt, retries included, passes through here.
 *
 * The server counts arrivals, and a request may travel for a while before it arrives. So a
 * request starts only once the one `maxPerSecond` places before it has *finished* (its answer,
 * or its failure, is back, so it has certainly arrived) at least a second ago: then any two
 * arrivals `maxPerSecond` apart are more than a second apart, whatever the network does.
 */
export class RequestScheduler {
	private inFlight = 0;

	private readonly waiting: Array<() => void> = [];

	/** When each of the most recent requests finished, oldest first; `started` counts them all. */
	private readonly finishedAt: Array<Promise<number>> = [];

	private started = 0;

	constructor(
		readonly concurrency: number,
		readonly maxPerSecond: number,
	) {}

	async run<T>(task: () => Promise<T>): Promise<T> {
		await this.acquireSlot();
		let finished: (at: number) => void = () => {};
		try {
			finished = await this.waitForStartTime();
			return await task();
		} finally {
			finished(Date.now());
			this.releaseSlot();
		}
	}

	private async acquireSlot(): Promise<void> {
		if (this.inFlight < this.concurrency) {
			this.inFlight++;
			return;
		}
		// The slot is handed over by releaseSlot, so inFlight never exceeds the limit.
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	private releaseSlot(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.inFlight--;
	}

	/** Waits until this request may start; returns the function that records when it finished. */
	private async waitForStartTime(): Promise<(at: number) => void> {
		if (!(this.maxPerSecond > 0)) return () => {};
		// Below one per second (e.g. 0.2): one request per 1 / maxPerSecond seconds.
		const limit = Math.max(1, Math.floor(this.maxPerSecond));
		const windowMs = this.maxPerSecond >= 1 ? 1000 : 1000 / this.maxPerSecond;
		let finished: (at: number) => void = () => {};
		const own = new Promise<number>((resolve) => (finished = resolve));
		const earlier = this.started >= limit ? this.finishedAt[this.finishedAt.length - limit] : undefined;
		this.finishedAt.push(own);
		if (this.finishedAt.length > limit) this.finishedAt.shift();
		this.started++;
		if (earlier) {
			const wait = (await earlier) + windowMs - Date.now();
			if (wait > 0) await sleep(wait);
		}
		return finished;
	}
}
