/** Raw HTTP calls against the sandbox, for the sandbox's own tests (test/sandbox*.test.ts). */
import { startSandbox } from '../../sandbox/server';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
export type Options = NonNullable<Parameters<typeof startSandbox>[0]>;

export const DELETE = '/server/API/v2/custom/delete.php';
export const QUERY = '/server/API/v2/custom/query.php';
export const QUERY_DATES = '/server/API/v2/custom/queryDates.php';
export const INSERT = '/server/API/v2/custom/insert.php';
export const INSERT_MANY = '/server/API/v2/custom/insertMany.php';
export const UPDATE = '/server/API/v2/custom/update.php';
export const UPDATE_MANY = '/server/API/v2/custom/updateMany.php';
export const QUOTA_INFO = '/server/API/v2/token/tokenInformation.php';

// ids from sandbox/seed.json, operation "demo", module "contacts"
export const C1 = '647f8371e5c917f858c55c2c';
export const C2 = '64b7ef5c1573221af8ba34d7';
export const C3 = '64cacd336543c320853e308a';
export const UNKNOWN = 'ffffffffffffffffffffffff';
export const HEX24 = /^[0-9a-f]{24}$/;
export const CRM_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

// Response bodies are checked field by field; a loose type keeps that readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface CallOptions {
	method?: string;
	body?: unknown;
	rawBody?: string;
	token?: string | null;
	tokenHeader?: string;
	redirect?: 'manual' | 'follow' | 'error';
	signal?: AbortSignal;
}

export interface CallResult {
	status: number;
	headers: Headers;
	text: string;
	json: Loose;
}

export async function call(sb: Sandbox, path: string, opts: CallOptions = {}): Promise<CallResult> {
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	const token = opts.token === undefined ? sb.token : opts.token;
	if (token !== null) headers[opts.tokenHeader ?? 'Wolkvox-Token'] = token;
	const method = opts.method ?? 'POST';
	const res = await fetch(sb.url + path, {
		method,
		headers,
		body: method === 'GET' ? undefined : (opts.rawBody ?? JSON.stringify(opts.body ?? {})),
		redirect: opts.redirect ?? 'manual',
		signal: opts.signal,
	});
	const text = await res.text();
	let json: Loose = undefined;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

export function del(ids: string | string[], multiple = Array.isArray(ids), extra: Record<string, unknown> = {}) {
	return { operation: 'demo', module: 'contacts', multiple, 'wolkvox-id': ids, ...extra };
}

export function contactIds(sb: Sandbox): string[] {
	return (sb.records('demo', 'contacts') as Array<{ wolkvox_id: string }>).map((r) => r.wolkvox_id);
}

/** The record with this id in demo/contacts (a copy), or undefined. */
export function contact(sb: Sandbox, id: string): Loose {
	return (sb.records('demo', 'contacts') as Loose[]).find((r) => r.wolkvox_id === id);
}

/** `start(options)` opens a sandbox (with `defaults` under `options`) that is closed after each test of the calling file. */
export function sandboxes(defaults: Options = {}): (options?: Options) => Promise<Sandbox> {
	const opened: Sandbox[] = [];
	afterEach(async () => {
		await Promise.all(opened.splice(0).map((sb) => sb.close()));
	});
	return async (options: Options = {}) => {
		const sb = await startSandbox({ ...defaults, ...options });
		opened.push(sb);
		return sb;
	};
}
