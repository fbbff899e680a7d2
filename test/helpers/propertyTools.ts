/**
 * Small tools the property tests share: run a function and keep what it returned or threw, and
 * show a generated value in a failure message without ever throwing.
 */
import fc from 'fast-check';

/** Runs fn; returns its result or the value it threw (never rethrows). */
export function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Runs fn and returns the error it throws; fails the test (outside any catch block) if it returns. */
export function thrownBy(fn: () => unknown): unknown {
	const result = outcome(fn);
	if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
	return result.error;
}

/** fast-check's view of a value (cut to 300 characters), or its type when even that fails. */
export function safeShow(value: unknown): string {
	const shown = outcome(() => fc.stringify(value));
	return (shown.ok ? shown.value : typeof value).slice(0, 300);
}
