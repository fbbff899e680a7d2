'use strict';
// The runs of the examples (scripts/smoke/examples.js) in a real n8n: from the CLI, as the
// editor's "Execute workflow" button, and activated (a polling trigger); each one checked
// against the sandbox's request log and records, and at the end against what n8n recorded.
const fs = require('node:fs');
const { checkRequests, checkRecords, mergeRecords } = require('./expect');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The execution mode n8n records for each kind of run. */
const MODE = { cli: 'cli', manual: 'manual', active: 'trigger' };

/** Polls `test` every second until it gives something truthy; undefined when `seconds` ran out. */
async function waitFor(test, seconds) {
	const end = Date.now() + seconds * 1000;
	while (Date.now() < end) {
		const value = await test();
		if (value) return value;
		await sleep(1000);
	}
	return undefined;
}

/** Every run of every prepared example, with its own context (records before, bound placeholders). */
const listRuns = (prepared) =>
	prepared.flatMap(({ entry, ex }) => entry.runs.map((run) => ({ run, ex, label: `${run.how} ${ex.id}`, ctx: { before: undefined, bound: {} } })));

function createRunner({ host, sandbox, r, major }) {
	let ran = 0;
	/** The sandbox options of a run for its duration; the action; then its requests and records checked. */
	async function observe(item, act) {
		const { run, ex, ctx } = item;
		let restore;
		if (run.sandbox) {
			const cfg = await sandbox.config();
			restore = Object.fromEntries(Object.keys(run.sandbox).map((k) => [k, cfg[k]]));
			await sandbox.configure(run.sandbox);
			r.say(`${item.label}: sandbox options ${JSON.stringify(run.sandbox)} for this run`);
		}
		item.order = ++ran;
		const mark = (await sandbox.log()).length;
		ctx.before = await sandbox.records();
		try {
			await act();
		} finally {
			if (restore) await sandbox.configure(restore);
		}
		const log = (await sandbox.log()).slice(mark);
		r.check(...checkRequests(item.label, log, run.requests(ex, ctx), { operation: ex.operation, bound: ctx.bound }));
		item.want = run.records(ex, ctx);
		r.check(...checkRecords(`${item.label}: sandbox records`, ctx.before, await sandbox.records(), item.want, ctx.bound));
	}

	/** The records the smoke itself creates for a run, through the API as a client would. */
	async function prepare(item) {
		for (const p of item.run.prepare ? item.run.prepare(item.ex) : []) {
			const res = await sandbox.api('custom/insert.php', { operation: item.ex.operation, module: p.module, fields: p.fields });
			const id = res.json && res.json.data && res.json.data.wolkvox_id;
			if (id) item.ctx.bound[p.as] = id;
			else r.fail(`${item.label}: the smoke's own insert.php for ${p.as} failed: HTTP ${res.status} ${res.text.slice(0, 200)}`);
		}
	}

	const cli = (item) =>
		observe(item, async () => {
			await prepare(item);
			const { id } = item.ex;
			const c = await host.cli(`execute-${id}`, ['execute', `--id=${id}`, '--rawOutput']);
			const ok = item.run.exit === 0 ? c.code === 0 : c.code !== 0 && !c.timedOut;
			// n8n 1.123.x's CLI often segfaults while exiting, after the run, with any workflow.
			const crashedAfterRun = item.run.exit === 0 && c.signal && /"finished": true/.test(fs.readFileSync(host.logOf(`execute-${id}`), 'utf8'));
			if (crashedAfterRun) r.warn(`n8n execute --id=${id} died of ${c.signal} while exiting, after it printed the finished run (n8n's own crash: its result is checked over REST below)`);
			else r.check(ok, `n8n execute --id=${id} exited ${c.exit}, expected ${item.run.exit}`);
		});

	const manual = (item) =>
		observe(item, async () => {
			await prepare(item);
			const { id } = item.ex;
			// The editor's "Execute workflow" button; n8n 1.x wants the workflow in the body too.
			const body = { triggerToStartFrom: { name: item.ex.trigger.name } };
			if (major < 2) body.workflowData = (await host.api('GET', `/rest/workflows/${id}`)).json?.data;
			const res = await host.api('POST', `/rest/workflows/${id}/run`, body);
			const executionId = res.json && res.json.data && res.json.data.executionId;
			if (!executionId) return r.fail(`manual run of ${id}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
			await waitFor(async () => {
				const e = (await host.api('GET', `/rest/executions/${executionId}`)).json;
				return e?.data && e.data.finished !== undefined && !['running', 'new', 'waiting'].includes(e.data.status);
			}, 60);
		});

	/** Activates or deactivates: POST .../activate (n8n 1.1xx and 2.x), else PATCH { active } (older 1.x). */
	async function setActive(id, active) {
		const wf = (await host.api('GET', `/rest/workflows/${id}`)).json?.data;
		const post = await host.api('POST', `/rest/workflows/${id}/${active ? 'activate' : 'deactivate'}`, active ? { versionId: wf.versionId } : {});
		if (post.status !== 404) return { ok: post.status === 200, how: `POST /rest/workflows/:id/${active ? 'activate' : 'deactivate'}`, res: post };
		const patch = await host.api('PATCH', `/rest/workflows/${id}`, { active, versionId: wf.versionId });
		return { ok: patch.status === 200, how: 'PATCH /rest/workflows/:id', res: patch };
	}

	async function executionsOf(id, mode) {
		const list = (await host.api('GET', '/rest/executions?limit=100')).json;
		const all = (list && list.data && (list.data.results || list.data)) || [];
		return all.filter((e) => e.workflowId === id && e.mode === mode);
	}

	/**
	 * Activated: the trigger's first poll (at activation or on the first minute), then `prepare`
	 * creates the record, then a poll must emit it; one more poll must follow (and emit nothing)
	 * before the workflow is deactivated.
	 */
	const activated = (item) =>
		observe(item, async () => {
			const { id } = item.ex;
			const polls = async () => (await sandbox.log()).filter((e) => e.path.endsWith('/custom/queryDates.php')).length;
			const start = await polls();
			const t0 = Date.now();
			const on = await setActive(id, true);
			r.check(on.ok, `${item.label}: activated with ${on.how}: HTTP ${on.res.status}${on.ok ? '' : ` ${on.res.text.slice(0, 300)}`}`);
			if (!on.ok) return;
			try {
				const first = await waitFor(async () => (await polls()) > start, 90);
				r.check(first, `${item.label}: first poll ${first ? `${Math.round((Date.now() - t0) / 1000)} s after activation` : 'missing 90 s after activation'}`);
				if (!first) return;
				await prepare(item);
				const t1 = Date.now();
				const emitted = await waitFor(async () => (await executionsOf(id, 'trigger')).length > 0, 150);
				r.check(emitted, `${item.label}: a poll started an execution ${emitted ? `${Math.round((Date.now() - t1) / 1000)} s after the record was created` : '(none within 150 s of the record being created)'}`);
				if (!emitted) return;
				const after = await polls();
				const next = await waitFor(async () => (await polls()) > after, 90);
				await sleep(5000); // time for an execution of that poll to be saved, if it wrongly started one
				r.check(next, `${item.label}: one more poll after the emitting one ${next ? `(${(await polls()) - start} polls while active)` : 'missing within 90 s'}`);
			} finally {
				const off = await setActive(id, false);
				r.check(off.ok, `${item.label}: deactivated with ${off.how}: HTTP ${off.res.status}`);
			}
		});

	/** What n8n recorded for every run: exactly one execution per workflow and mode, read back as the editor does. */
	async function results(items) {
		for (const item of items) {
			const mode = MODE[item.run.how];
			const mine = await executionsOf(item.ex.id, mode);
			const full = mine.length === 1 && (await host.api('GET', `/rest/executions/${mine[0].id}`)).json?.data;
			if (!full) {
				r.fail(`${item.label}: ${mine.length} ${mode} executions of ${item.ex.id} in /rest/executions, expected 1`);
				continue;
			}
			item.executionId = full.id;
			let verdict;
			try {
				verdict = item.run.result(item.ex, { ...full, run: host.parseRunData(full.data) }, item.ctx);
			} catch (error) {
				verdict = [false, `its run data could not be read (${error.message})`];
			}
			r.check(verdict[0], `${item.label}: execution ${full.id} (${full.mode}, ${full.status}): ${verdict[1]}`);
		}
	}

	return { cli, manual, activated, results };
}

/** The records all runs together must have left changed: each run's expectation with its ids, in the order they ran. */
const wholeRun = (items) =>
	mergeRecords(
		[...items]
			.filter((item) => item.order)
			.sort((a, b) => a.order - b.order)
			.map((item) => ({ want: item.want || {}, bound: item.ctx.bound })),
	);

module.exports = { listRuns, createRunner, wholeRun };
