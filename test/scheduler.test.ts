import { sleep } from 'n8n-workflow';

import { RequestScheduler } from '../nodes/WolkvoxCrm/transport/scheduler';

/** Runs `count` tasks of `durationMs` through the scheduler; returns start/end times and the peak in flight. */
async function runTasks(scheduler: RequestScheduler, count: number, durationMs: number) {
	let inFlight = 0;
	let peak = 0;
	const spans: Array<{ start: number; end: number }> = [];
	await Promise.all(
		Array.from({ length: count }, async () =>
			await scheduler.run(async () => {
				const start = Date.now();
				inFlight++;
				peak = Math.max(peak, inFlight);
				await sleep(durationMs);
				inFlight--;
				spans.push({ start, end: Date.now() });
			}, () => undefined),
		),
	);
	return { spans, peak };
}

describe('RequestScheduler', () => {
	test('never more tasks in flight than the concurrency, and all of it is used', async () => {
		const { peak, spans } = await runTasks(new RequestScheduler(3, 0), 12, 15);
		expect(peak).toBe(3);
		expect(spans).toHaveLength(12);
	});

	test('a task that fails frees its slot', async () => {
		const scheduler = new RequestScheduler(1, 0);
		await expect(scheduler.run(async () => Promise.reject(new Error('boom')), () => 'not sent')).rejects.toThrow('boom');
		await expect(scheduler.run(async () => 'next', () => 'not sent')).resolves.toBe('next');
	});

	test('after a daily-quota refusal no task starts: the one in flight finishes, the waiting ones are not started', async () => {
		const scheduler = new RequestScheduler(1, 0);
		const started: number[] = [];
		let release: () => void = () => {};
		const first = scheduler.run(async () => {
			started.push(0);
			await new Promise<void>((resolve) => (release = resolve));
			return 'sent 0';
		}, () => 'not sent 0');
		const waiting = [1, 2].map((task) => scheduler.run(async () => (started.push(task), `sent ${task}`), (refusal) => `not sent ${task}: ${refusal.apiError}`));
		await sleep(0);
		scheduler.stats.dailyQuotaRefusal = { kind: 'apiError', apiError: 'TOKEN LIMIT EXCEEDED', namedIds: [], dailyQuota: true, retryable: false, mayHaveTakenEffect: false };
		release();
		expect(await Promise.all([first, ...waiting])).toStrictEqual(['sent 0', 'not sent 1: TOKEN LIMIT EXCEEDED', 'not sent 2: TOKEN LIMIT EXCEEDED']);
		expect(started).toStrictEqual([0]);
		expect(scheduler.stats.requestsSent).toBe(1);
	});

	test('Max 5 per second: a task starts only a second after the one 5 places before it finished', async () => {
		const { spans } = await runTasks(new RequestScheduler(5, 5), 11, 5);
		const sorted = [...spans].sort((a, b) => a.start - b.start);
		for (let index = 5; index < sorted.length; index++) {
			expect(sorted[index].start - sorted[index - 5].end).toBeGreaterThanOrEqual(999);
		}
	});

	test('below one per second (0.5): one start every two seconds', async () => {
		const { spans } = await runTasks(new RequestScheduler(2, 0.5), 2, 1);
		const [first, second] = [...spans].sort((a, b) => a.start - b.start);
		expect(second.start - first.end).toBeGreaterThanOrEqual(1999);
	});

	test('a rate limit after answers were accepted sets the pace to what the server accepted in the last second', () => {
		const scheduler = new RequestScheduler(1, 0);
		for (let index = 0; index < 7; index++) scheduler.noteAccepted();
		scheduler.noteRateLimited(undefined);
		expect(scheduler.pace).toBe(7);
		expect(scheduler.stats).toMatchObject({ rateLimitedAnswers: 1, learnedPace: 7 });
		// A second limit lowers it by at least one.
		scheduler.noteRateLimited(undefined);
		expect(scheduler.pace).toBe(6);
	});

	test('a rate limit before anything was accepted (the limit used up before the run) sets no pace, only a wait', () => {
		const scheduler = new RequestScheduler(1, 0);
		scheduler.noteRateLimited(50);
		expect(scheduler.pace).toBe(0);
		expect(scheduler.stats.rateLimitedAnswers).toBe(1);
	});

	test('after 100 accepted answers at a learned pace, the pace goes up by one to find the real limit', () => {
		const scheduler = new RequestScheduler(1, 0);
		for (let index = 0; index < 3; index++) scheduler.noteAccepted();
		scheduler.noteRateLimited(undefined);
		for (let index = 0; index < 100; index++) scheduler.noteAccepted();
		expect(scheduler.pace).toBe(4);
	});

	test('a raise the server refuses makes the next raise wait twice as long (200, then 400 answers)', () => {
		const scheduler = new RequestScheduler(1, 0);
		for (let index = 0; index < 10; index++) scheduler.noteAccepted();
		scheduler.noteRateLimited(undefined);
		expect(scheduler.pace).toBe(10);
		const acceptThenRefuse = (accepted: number) => {
			for (let index = 0; index < accepted; index++) scheduler.noteAccepted();
			const raised = scheduler.pace;
			scheduler.noteRateLimited(undefined);
			return raised;
		};
		// Raised to 11 after 100 answers, refused: back to 10.
		expect(acceptThenRefuse(100)).toBe(11);
		expect(scheduler.pace).toBe(10);
		// Now 199 answers are not enough for a raise, 200 are.
		expect(acceptThenRefuse(199)).toBe(10);
		expect(scheduler.pace).toBe(9);
		for (let index = 0; index < 200; index++) scheduler.noteAccepted();
		expect(scheduler.pace).toBe(10);
		scheduler.noteRateLimited(undefined);
		for (let index = 0; index < 399; index++) scheduler.noteAccepted();
		expect(scheduler.pace).toBe(9);
		scheduler.noteAccepted();
		expect(scheduler.pace).toBe(10);
	});
});

describe('RequestScheduler with other runs on the token', () => {
	test('"too many simultaneous requests" lowers the requests in flight by one each time, down to one', async () => {
		const scheduler = new RequestScheduler(3, 0);
		scheduler.noteAccepted();
		scheduler.noteRateLimited(undefined, true);
		// Not a pace: the requests may start as soon as a slot is free.
		expect(scheduler.pace).toBe(0);
		expect(scheduler.stats.rateLimitedAnswers).toBe(1);
		expect(scheduler.allowedInFlight).toBe(2);
		const { peak } = await runTasks(scheduler, 6, 5);
		expect(peak).toBe(2);
		scheduler.noteRateLimited(undefined, true);
		scheduler.noteRateLimited(undefined, true);
		expect(scheduler.allowedInFlight).toBe(1);
		expect((await runTasks(scheduler, 4, 5)).peak).toBe(1);
		// A per-IP rate limit leaves the requests in flight alone.
		const other = new RequestScheduler(3, 0);
		other.noteRateLimited(undefined);
		expect(other.allowedInFlight).toBe(3);
	});
});
