/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- the benchmark is a Node.js program, not node code: it prints its table, reads files, starts its server process */
/**
 * `npm run bench`: this node's execute path (inside n8n-core's engine, with
 * n8n's request and OAuth2 helpers) against a bare `fetch` loop doing the same
 * PUTs at the same concurrency, both against the GetBill-like server running in
 * a child process on 127.0.0.1 with a set latency. A third path, the "floor"
 * (bench/floor-node.ts), sends the same PUTs through the same n8n engine and
 * helper with no parameter, expression, validation or retry: it splits the
 * node's overhead into n8n's part (floor/bare) and the node's own (node/floor).
 * Prints ratios measured in this one run, and marks each row against the targets
 * (TARGETS below) with ✓ or ✗; it is not a test: a missed target is marked, the
 * exit code stays 0.
 *
 * After that table, a row for the Debt resource: --debts N debts (1,000) made
 * through the real node by Create (one request per debt, one at a time) and
 * by Create Many (one request per Batch Size, 1,000 by default), on the same
 * server with the same latency; the requests are counted from the server's
 * records (bench/server.ts runs the server and answers for them).
 *
 * Then the quota row: --quota-records N followups (2,000) updated through the
 * real node (version 2, Auto-Map, When Write Quota Runs Out: Output Unsent
 * Items) against a server of its own whose write quota is scaled down to
 * --quota-limit writes (500) per --quota-window seconds (10), "with the loop":
 * the node's Unsent output goes back into the node after a sleep until the
 * items' getbill_quota_frees_at, as a Wait node would loop it (the sleep is
 * outside the node), until nothing is left unsent. Marked against the quota's
 * floor (N / limit × window), the 429s the server answered, the PUTs per
 * record, and whether the node ever waited inside a run.
 *
 * Last, the download row (bench/download.ts): Report Download of a 1 KB
 * report, then of --files MiB (10 and 100), streamed into n8n's binary store:
 * the Buffers and heap held at the peak, against the 1 KB baseline.
 *
 * Options: --latency MS (20), --sizes 1,100,1000, --concurrency 5, --repeat 3,
 * --debts 1000 (0 skips the debt row), --quota-records 2000 (0 skips the quota
 * row), --quota-limit 500, --quota-window 10, --files 10,100 (0 skips the
 * download row)
 * (`npm run bench -- --sizes 10,100 --repeat 1`)
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import type { IDataObject } from 'n8n-workflow';

import '../test/helpers/env';
import { newCredentials, runGetBill } from '../test/helpers/n8n-harness';
import { BASELINE_BYTES, downloadRow } from './download';
import { floorNode } from './floor-node';
import type { QuotaRecords, ServerRecords } from './server';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
	const i = args.indexOf(`--${name}`);
	return i === -1 ? fallback : args[i + 1];
};
const LATENCY = Number(arg('latency', '20'));
const SIZES = arg('sizes', '1,100,1000').split(',').map(Number);
const CONCURRENCY = Number(arg('concurrency', '5'));
const REPEAT = Number(arg('repeat', '3'));
const DEBTS = Number(arg('debts', '1000'));
const QUOTA_RECORDS = Number(arg('quota-records', '2000'));
const QUOTA_LIMIT = Number(arg('quota-limit', '500'));
const QUOTA_WINDOW = Number(arg('quota-window', '10'));
const FILES = arg('files', '10,100').split(',').map(Number).filter((n) => n !== 0);

/** The targets each row is marked against (the node's own cost over the floor; node/bare is printed, not judged). */
const TARGETS = {
	nodeFloor: { label: 'node/floor', max: 1.05 },
	ownCpu: { label: 'own CPU ms/item', max: 0.5 },
} as const;
const mark = (value: number, max: number) => (value <= max ? '✓' : '✗');
const ids = Array.from({ length: Math.max(...SIZES) }, (_, i) => `bench-${i}`);

interface Measure {
	wallMs: number;
	cpuMs: number;
	peakHeapMb: number;
	outputBytes: number;
}

interface Server {
	url: string;
	stop: () => void;
	/** What the server has recorded so far (bench/server.ts) */
	records: () => Promise<ServerRecords>;
	/** The quota row's account of the followup updates (bench/server.ts) */
	quotaRecords: () => Promise<QuotaRecords>;
}

/**
 * test/server/getbill-server.js, run by bench/server.ts (its client may also ask for the debt scopes; records over IPC).
 * By default the server of the table and the debt row: the `ids` followups, writes practically unlimited.
 */
async function startServer(options: { followups: string[]; quota: string[]; extra?: string[] } = { followups: ids, quota: ['--rate-limit', '100000000'] }): Promise<Server> {
	const script = path.resolve(__dirname, 'server.js');
	const child = spawn(process.execPath, [script, '--port', '0', '--latency', String(LATENCY), ...options.quota, '--followups', options.followups.join(','), ...(options.extra ?? [])], {
		stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
	});
	const url = await new Promise<string>((resolve, reject) => {
		child.stdout!.on('data', (chunk: Buffer) => {
			const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(chunk.toString());
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
	});
	let lastId = 0;
	const ask = <T>(type: 'records' | 'quota') =>
		new Promise<T>((resolve, reject) => {
			const id = ++lastId;
			const onMessage = (message: { id: number; records: T }) => {
				if (message.id !== id) return;
				child.off('message', onMessage);
				resolve(message.records);
			};
			child.on('message', onMessage);
			child.send({ id, type }, (error) => error && reject(error));
		});
	return { url, stop: () => child.kill('SIGTERM'), records: () => ask<ServerRecords>('records'), quotaRecords: () => ask<QuotaRecords>('quota') };
}

function gc() {
	(global as { gc?: () => void }).gc?.();
}

/** Runs fn while sampling the heap; CPU and wall time of this process. */
async function measure(fn: () => Promise<unknown>): Promise<Measure> {
	gc();
	const heapBefore = process.memoryUsage().heapUsed;
	let peak = heapBefore;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().heapUsed);
	}, 10);
	const cpu = process.cpuUsage();
	const start = process.hrtime.bigint();
	const result = await fn();
	const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
	const used = process.cpuUsage(cpu);
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().heapUsed);
	return {
		wallMs,
		cpuMs: (used.user + used.system) / 1000,
		peakHeapMb: (peak - heapBefore) / 1024 / 1024,
		outputBytes: result === undefined ? 0 : JSON.stringify(result).length,
	};
}

const body = { status: 'deal_found', summary: 'Payment discussion', duration_ms: 180000 };

async function bareFetch(url: string, n: number) {
	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: 'test-client-id',
		client_secret: 'test-client-secret',
		scope: 'followups:read followups:write',
	});
	const token = (await (await fetch(`${url}/token`, { method: 'POST', body: form })).json()) as { access_token: string };
	const out: unknown[] = new Array(n);
	let next = 0;
	const worker = async () => {
		while (next < n) {
			const i = next++;
			const res = await fetch(`${url}/external-api/v1/followups/${encodeURIComponent(ids[i])}`, {
				method: 'PUT',
				headers: { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
				body: JSON.stringify(body),
			});
			out[i] = ((await res.json()) as { data: unknown }).data;
		}
	};
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
	return out;
}

async function nodeRun(url: string, n: number) {
	const result = await runGetBill({
		credentials: newCredentials(url),
		items: ids.slice(0, n).map((id) => ({ id })),
		parameters: { followupId: '={{ $json.id }}', updateFields: body, options: { concurrency: CONCURRENCY } },
	});
	if (result.error) throw new Error(result.error.message);
	return result.outputs[0].map((i) => i.json);
}

async function floorRun(url: string, n: number) {
	const result = await runGetBill({
		credentials: newCredentials(url),
		items: ids.slice(0, n).map((id) => ({ id })),
		parameters: {},
		nodeType: floorNode(url, body, CONCURRENCY),
	});
	if (result.error) throw new Error(result.error.message);
	return result.outputs[0].map((i) => i.json);
}

const DEBT_SCOPE = 'debts:read debts:write';
/** Valid debts, as a CRM export would give them (auto-mapped by the node). */
const debtItems = (n: number) =>
	Array.from({ length: n }, (_, i) => ({
		firstname: `Bench${i}`,
		lastname: 'Debtor',
		amount: 10 + i,
		currency: 'EUR',
		phone: `+3361${String(i).padStart(7, '0')}`,
	}));

/** The GetBill node's Create or Create Many for n debts, On Error Stop Workflow (the default), Batch Size default. */
async function debtRun(url: string, operation: 'create' | 'createMany', n: number) {
	const result = await runGetBill({
		credentials: newCredentials(url, { scope: DEBT_SCOPE }),
		items: debtItems(n),
		parameters: { resource: 'debt', operation, fieldsToSend: 'autoMapInputData' },
	});
	if (result.error) throw new Error(`${operation}: ${result.error.message}`);
	const out = result.outputs[0] ?? [];
	if (out.length !== n) throw new Error(`${operation}: ${out.length} output items for ${n} debts`);
	return out.map((i) => i.json);
}

/** The time n writes take of GetBill's quota of 500 writes per hour. */
function quotaTime(writes: number): string {
	const seconds = (writes * 3600) / 500;
	const [value, unit] = seconds >= 3600 ? [seconds / 3600, 'hour'] : seconds >= 60 ? [seconds / 60, 'minute'] : [seconds, 'second'];
	const shown = Number(value.toFixed(1));
	return `${shown} ${unit}${shown === 1 ? '' : 's'}`;
}

/** The debt row: Create vs Create Many for DEBTS debts, through the real node, median of REPEAT runs. */
async function debtRow(server: Server) {
	const n = DEBTS;
	console.log(`Measuring ${n} debts, ${REPEAT} run${REPEAT === 1 ? '' : 's'} each of Create and Create Many ...`);
	// warm up both operations (their code paths, the debt routes)
	await debtRun(server.url, 'create', Math.min(n, 10));
	await debtRun(server.url, 'createMany', Math.min(n, 10));
	const paths = [
		{ operation: 'create' as const, label: 'Create', route: 'POST /debts', wall: [] as number[], requests: [] as number[], writes: [] as number[] },
		{ operation: 'createMany' as const, label: 'Create Many', route: 'POST /debts/batch', wall: [] as number[], requests: [] as number[], writes: [] as number[] },
	];
	for (let r = 0; r < REPEAT; r++) {
		for (const p of paths) {
			const before = await server.records();
			const { wallMs } = await measure(() => debtRun(server.url, p.operation, n));
			const after = await server.records();
			const created = after.debts - before.debts;
			const refused = after.refused - before.refused;
			if (created !== n || refused !== 0) {
				throw new Error(`${p.label}: the server holds ${created} new debts of ${n} (${refused} requests refused)`);
			}
			p.wall.push(wallMs);
			p.requests.push(p.operation === 'create' ? after.creates - before.creates : after.batches - before.batches);
			p.writes.push(after.writes - before.writes);
		}
	}
	/** A count that should be the same in every run: shown as a range if it was not. */
	const count = (values: number[]) => {
		const [min, max] = [Math.min(...values), Math.max(...values)];
		return min === max ? String(min) : `${min}..${max}`;
	};
	const [create, createMany] = paths;
	const ratio = median(create.wall) / median(createMany.wall);
	const header = ['path', 'items', 'requests', 'route', 'wall ms', 'ms/debt', 'create/createMany wall'];
	const rows = paths.map((p) => [
		p.label,
		String(n),
		count(p.requests),
		p.route,
		median(p.wall).toFixed(0),
		(median(p.wall) / n).toFixed(3),
		p === create ? ratio.toFixed(1) : '',
	]);
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) =>
		cells
			.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
			.join('  ')
			.trimEnd();
	console.log(`${n} debts by Create vs Create Many, through the GetBill node: latency ${LATENCY} ms, median of ${REPEAT}`);
	console.log(line(header));
	for (const row of rows) console.log(line(row));
	console.log(
		'requests: counted by the server (token requests not included). Create sends one debt at a time when On Error is Stop Workflow (the default, used here): ' +
			'that is by design, a create is not safe to repeat, so no debt is sent after one failed. ' +
			'Create Many sends the debts in requests of Batch Size (default 1,000), one at a time. Both auto-map the same items.',
	);
	const writes = (p: (typeof paths)[number]) => Math.max(...p.writes);
	const plural = (k: number) => `${k} write${k === 1 ? '' : 's'}`;
	console.log(
		`Quota: at GetBill's 500 writes per hour, ${n} debts by Create use ${plural(writes(create))} (${quotaTime(writes(create))} of quota), ` +
			`by Create Many ${plural(writes(createMany))} (${quotaTime(writes(createMany))} of quota).`,
	);
}

/** The statuses the quota row's items set, in turn (the followups start as "scheduled"). */
const QUOTA_STATUSES = ['deal_found', 'no_answer', 'deal_not_found'];
const QUOTA_FIELD = 'getbill_quota_frees_at';

/** One run of the node in the quota row's loop. */
interface QuotaRun {
	items: number;
	done: number;
	unsent: number;
	/** When the run started and ended (ms since epoch, the clock the server stamps its requests with) */
	startedAt: number;
	endedAt: number;
	ms: number;
	/** getbill_quota_frees_at of the first unsent item (what a Wait node's "At Specified Time" reads), and how many distinct values the items carried */
	freesAt?: string;
	distinctFreesAt: number;
	/** The sleep after the run, until freesAt: outside the node */
	sleptMs: number;
}

/** Merged [start, end] intervals, sorted. */
function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
	const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
	const out: Array<[number, number]> = [];
	for (const [start, end] of sorted) {
		const last = out[out.length - 1];
		if (last && start <= last[1]) last[1] = Math.max(last[1], end);
		else out.push([start, end]);
	}
	return out;
}

/** Within [from, to]: the time covered by the (merged) intervals, and the longest stretch not covered. */
function coverage(merged: Array<[number, number]>, from: number, to: number): { busyMs: number; longestGapMs: number } {
	let busyMs = 0;
	let longestGapMs = 0;
	let cursor = from;
	for (const [start, end] of merged) {
		if (end <= from || start >= to) continue;
		const [s, e] = [Math.max(start, from), Math.min(end, to)];
		longestGapMs = Math.max(longestGapMs, s - cursor);
		busyMs += e - s;
		cursor = Math.max(cursor, e);
	}
	longestGapMs = Math.max(longestGapMs, to - cursor);
	return { busyMs, longestGapMs };
}

/**
 * The quota row: QUOTA_RECORDS followup updates through the real node (version 2, Auto-Map {id, status},
 * When Write Quota Runs Out: Output Unsent Items) against a server whose write quota is QUOTA_LIMIT per
 * QUOTA_WINDOW s, looped as a Wait node would: output 1 back into the node after a sleep until its
 * getbill_quota_frees_at, until output 1 is empty. One credential for the whole loop (n8n keeps the token).
 */
async function quotaRow() {
	const n = QUOTA_RECORDS;
	const floorMs = (n / QUOTA_LIMIT) * QUOTA_WINDOW * 1000;
	const windows = Math.ceil(n / QUOTA_LIMIT);
	const quotaIds = Array.from({ length: n }, (_, i) => `quota-${i}`);
	const items = quotaIds.map((id, i) => ({ id, status: QUOTA_STATUSES[i % QUOTA_STATUSES.length] }));
	console.log(
		`Measuring ${n} followup updates against a write quota of ${QUOTA_LIMIT} per ${QUOTA_WINDOW} s, with the loop (Unsent output → sleep until ${QUOTA_FIELD} → the node again) ...`,
	);
	const server = await startServer({
		followups: quotaIds,
		quota: ['--write-limit', String(QUOTA_LIMIT), '--write-window', String(QUOTA_WINDOW)],
	});
	const credentials = newCredentials(server.url);
	const runs: QuotaRun[] = [];
	const outputIds = new Map<string, number>();
	const problems: string[] = [];
	let pending: IDataObject[] = items;
	let records: QuotaRecords;
	const start = process.hrtime.bigint();
	try {
		// A loop that goes on far past the floor is reported, not waited out.
		const deadline = Date.now() + Math.max(10 * floorMs, 60_000);
		while (pending.length > 0) {
			if (Date.now() > deadline) {
				problems.push(`the loop was given up after ${runs.length} runs, ${pending.length} items still unsent`);
				break;
			}
			const startedAt = Date.now();
			const t0 = process.hrtime.bigint();
			const result = await runGetBill({
				credentials,
				typeVersion: 2,
				items: pending,
				parameters: {
					resource: 'followup',
					operation: 'update',
					followupId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
					fieldsToSend: 'autoMapInputData',
					options: { whenQuotaRunsOut: 'outputUnsent', concurrency: CONCURRENCY },
				},
			});
			const ms = Number(process.hrtime.bigint() - t0) / 1e6;
			const endedAt = Date.now();
			if (result.error) {
				problems.push(`run ${runs.length + 1} stopped with an error: ${result.error.message}`);
				break;
			}
			const done = result.outputs[0] ?? [];
			const unsent = result.outputs[1] ?? [];
			for (const o of done) outputIds.set(String(o.json.id), (outputIds.get(String(o.json.id)) ?? 0) + 1);
			if (done.length + unsent.length !== pending.length) {
				problems.push(`run ${runs.length + 1}: ${pending.length} items in, ${done.length} done + ${unsent.length} unsent out`);
			}
			const times = new Set(unsent.map((o) => String(o.json[QUOTA_FIELD])));
			const freesAt = unsent.length ? String(unsent[0].json[QUOTA_FIELD]) : undefined;
			const run: QuotaRun = { items: pending.length, done: done.length, unsent: unsent.length, startedAt, endedAt, ms, freesAt, distinctFreesAt: times.size, sleptMs: 0 };
			runs.push(run);
			if (freesAt !== undefined) {
				const at = Date.parse(freesAt);
				if (!Number.isFinite(at)) {
					problems.push(`run ${runs.length}: ${QUOTA_FIELD} is not a time: ${JSON.stringify(freesAt)}`);
					break;
				}
				// The Wait node ("At Specified Time" = the first item's time): outside the node, no worker time of its.
				const t1 = process.hrtime.bigint();
				await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
				run.sleptMs = Number(process.hrtime.bigint() - t1) / 1e6;
			}
			// The Wait node passes its items on unchanged, the time included (the node does not send it).
			pending = unsent.map((o) => o.json);
		}
		records = await server.quotaRecords();
	} finally {
		server.stop();
	}
	const wallMs = Number(process.hrtime.bigint() - start) / 1e6;

	// The server's account
	const count429 = (records.putStatuses['429'] ?? 0) + Object.entries(records.otherRequests).filter(([k]) => k.endsWith(' 429')).reduce((t, [, v]) => t + v, 0);
	const otherStatuses = Object.entries(records.putStatuses).filter(([status]) => status !== '200' && status !== '429');
	const perRecord = records.puts / n;
	const once = quotaIds.filter((id) => records.updated[id] === 1).length;
	const never = quotaIds.filter((id) => !records.updated[id]);
	const twice = quotaIds.filter((id) => (records.updated[id] ?? 0) > 1);
	const foreign = Object.keys(records.updated).filter((id) => !quotaIds.includes(id));
	const wrongState = items.filter(({ id, status }) => records.followups[id]?.status !== status || !records.followups[id]?.processedAt);
	const outputOnce = quotaIds.filter((id) => outputIds.get(id) === 1).length;
	const sample = (list: string[]) => `${list.slice(0, 5).join(', ')}${list.length > 5 ? ` … (${list.length})` : ''}`;
	if (never.length) problems.push(`never updated: ${sample(never)}`);
	if (twice.length) problems.push(`updated more than once: ${sample(twice.map((id) => `${id}×${records.updated[id]}`))}`);
	if (foreign.length) problems.push(`updates of other IDs: ${sample(foreign)}`);
	if (wrongState.length) problems.push(`followups without the status sent or without processed_at: ${sample(wrongState.map((i) => i.id))}`);
	if (outputOnce !== n) problems.push(`${outputOnce} of ${n} IDs once on the node's Done outputs`);
	if (otherStatuses.length) problems.push(`PUTs answered ${otherStatuses.map(([s, k]) => `${s} ×${k}`).join(', ')}`);
	const otherText = Object.entries(records.otherRequests).map(([k, v]) => `${k} ×${v}`).join(', ');

	// Worker time: inside the node's runs, and how much of that the server was not answering any of its requests
	const busy = mergeIntervals(records.busy);
	const inRuns = runs.map((r) => coverage(busy, r.startedAt, r.endedAt));
	const runMs = runs.reduce((t, r) => t + r.ms, 0);
	const sleptMs = runs.reduce((t, r) => t + r.sleptMs, 0);
	const busyMs = inRuns.reduce((t, c) => t + c.busyMs, 0);
	const idleMs = runs.reduce((t, r) => t + (r.endedAt - r.startedAt), 0) - busyMs;
	const longestGapMs = Math.max(0, ...inRuns.map((c) => c.longestGapMs));
	const maxRunMs = Math.max(0, ...runs.map((r) => r.ms));
	const GAP_MAX_MS = 1000;

	const wallFloor = wallMs / floorMs;
	const cells = [
		['records', String(n)],
		['quota', `${QUOTA_LIMIT}/${QUOTA_WINDOW} s`],
		['node runs', String(runs.length)],
		['wall s', (wallMs / 1000).toFixed(1)],
		['floor s', (floorMs / 1000).toFixed(1)],
		['wall/floor ≤1.1', `${wallFloor.toFixed(3)} ${mark(wallFloor, 1.1)}`],
		[`429s ≤${windows}`, `${count429} ${mark(count429, windows)}`],
		['PUTs/record 1.00', `${perRecord.toFixed(3)} ${Number(perRecord.toFixed(2)) === 1 ? '✓' : '✗'}`],
		['in node s', (runMs / 1000).toFixed(2)],
		['slept s', (sleptMs / 1000).toFixed(2)],
		['idle in node s', (idleMs / 1000).toFixed(2)],
		[`longest idle ms <${GAP_MAX_MS}`, `${longestGapMs.toFixed(0)} ${longestGapMs < GAP_MAX_MS ? '✓' : '✗'}`],
		['max run ms', maxRunMs.toFixed(0)],
		['updated once', `${once}/${n} ${once === n && problems.length === 0 ? '✓' : '✗'}`],
	];
	const widths = cells.map(([h, v]) => Math.max(h.length, v.length));
	console.log(
		`Write quota, with the loop: ${n} followup updates through the GetBill node (v2, Auto-Map, Output Unsent Items), ${QUOTA_LIMIT} writes per ${QUOTA_WINDOW} s, latency ${LATENCY} ms, concurrency ${CONCURRENCY}, one run`,
	);
	console.log(cells.map(([h], i) => h.padStart(widths[i])).join('  '));
	console.log(cells.map(([, v], i) => v.padStart(widths[i])).join('  '));
	console.log(
		'Runs (items in → done + unsent, ms in the node, then slept until getbill_quota_frees_at): ' +
			runs
				.map((r, i) => `${i + 1}: ${r.items} → ${r.done} + ${r.unsent}, ${r.ms.toFixed(0)} ms${r.freesAt ? `, slept ${r.sleptMs.toFixed(0)} ms${r.distinctFreesAt > 1 ? ` (${r.distinctFreesAt} different times)` : ''}` : ''}`)
				.join('; '),
	);
	console.log(
		`floor = records / limit × window. 429s: answers 429 in the server's request log (target ≤ 1 per window, ${windows} windows). ` +
			`PUTs/record: PUT /followups/{id} received by the server (${records.puts}: ${Object.entries(records.putStatuses).map(([s, k]) => `${k} answered ${s}`).join(', ')}) / ${n}` +
			`${otherText ? `; other API requests: ${otherText}` : ''}; token requests: ${records.tokenRequests}. ` +
			`updated once: followups the server answered exactly one PUT 200 for, holding the status sent and a processed_at, each once on the node's Done outputs.`,
	);
	console.log(
		`Worker time: ${(runMs / 1000).toFixed(2)} s inside the node's ${runs.length} runs (n8n's WorkflowExecute, the node, its requests) of ${(wallMs / 1000).toFixed(1)} s wall; ` +
			`${(sleptMs / 1000).toFixed(2)} s slept between runs, outside the node (the Wait node's part). ` +
			`Of the time in the runs, the server was answering at least one request for ${(busyMs / 1000).toFixed(2)} s; the other ${(idleMs / 1000).toFixed(2)} s is n8n's, the node's and the client's own time, ` +
			`an upper bound on any wait for the quota inside the node. Longest stretch inside a run with no request at the server: ${longestGapMs.toFixed(0)} ms ` +
			`(a quota wait inside the node would show as one; target < ${GAP_MAX_MS} ms); longest run: ${maxRunMs.toFixed(0)} ms. ` +
			`(In n8n a Wait node parks the execution in the database only for waits of 65 s or more: the waits of this scaled-down ${QUOTA_WINDOW}-s window would stay in the process, outside the GetBill node; those of GetBill's hour-long window are parked.)`,
	);
	console.log(problems.length ? `Quota row problems: ${problems.join('; ')}.` : 'Quota row: every record updated exactly once, nothing lost or sent twice.');
}

/** The download row (bench/download.ts), on a server of its own that generates the reports. */
async function fileRow() {
	const sizes = [BASELINE_BYTES, ...FILES.map((mib) => mib * 1024 * 1024)];
	const server = await startServer({ followups: ['unused'], quota: ['--rate-limit', '100000000'], extra: ['--reports', sizes.join(',')] });
	try {
		await downloadRow(server.url, FILES);
	} finally {
		server.stop();
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
	console.log(
		`Options: npm run bench -- --sizes ${SIZES.join(',')} --latency ${LATENCY} --concurrency ${CONCURRENCY} --repeat ${REPEAT} --debts ${DEBTS}` +
			` --quota-records ${QUOTA_RECORDS} --quota-limit ${QUOTA_LIMIT} --quota-window ${QUOTA_WINDOW} --files ${FILES.join(',') || 0}` +
			' (these are the values of this run; defaults: --sizes 1,100,1000 --latency 20 --concurrency 5 --repeat 3 --debts 1000, 0 skips the debt row,' +
			' --quota-records 2000 --quota-limit 500 --quota-window 10, --quota-records 0 skips the quota row, --files 10,100 (MiB), 0 skips the download row)',
	);
	const bad = [LATENCY, CONCURRENCY, REPEAT, ...SIZES].some((v) => !Number.isFinite(v) || v < 0) || SIZES.some((n) => n < 1) || REPEAT < 1 || CONCURRENCY < 1;
	if (bad) throw new Error('--sizes takes positive item counts (e.g. 10,100); --latency, --concurrency and --repeat numbers');
	if (FILES.some((mib) => !Number.isFinite(mib) || mib < 0)) throw new Error('--files takes sizes in MiB (e.g. 10,100; 0 skips the download row)');
	if (!Number.isInteger(DEBTS) || DEBTS < 0) throw new Error('--debts takes a number of debts (0 skips the debt row)');
	if (!Number.isInteger(QUOTA_RECORDS) || QUOTA_RECORDS < 0) throw new Error('--quota-records takes a number of followups (0 skips the quota row)');
	if (!Number.isInteger(QUOTA_LIMIT) || QUOTA_LIMIT < 1) throw new Error('--quota-limit takes a whole number of writes >= 1');
	if (!Number.isFinite(QUOTA_WINDOW) || QUOTA_WINDOW <= 0) throw new Error('--quota-window takes a number of seconds > 0');
	console.log(`Measuring ${SIZES.join(', ')} items, ${REPEAT} run${REPEAT === 1 ? '' : 's'} each of bare fetch, floor and node ...`);
	const server = await startServer();
	try {
		// warm up all paths (JIT, module loading, connection pools)
		await bareFetch(server.url, 50);
		await floorRun(server.url, 50);
		await nodeRun(server.url, 50);
		const rows: string[][] = [];
		const judged: { n: number; nodeFloor: number; ownCpu: number }[] = [];
		for (const n of SIZES) {
			const bare: Measure[] = [];
			const floor: Measure[] = [];
			const node: Measure[] = [];
			for (let r = 0; r < REPEAT; r++) {
				bare.push(await measure(() => bareFetch(server.url, n)));
				floor.push(await measure(() => floorRun(server.url, n)));
				node.push(await measure(() => nodeRun(server.url, n)));
			}
			const m = (list: Measure[], key: keyof Measure) => median(list.map((x) => x[key]));
			const nodeFloor = m(node, 'wallMs') / m(floor, 'wallMs');
			const ownCpu = (m(node, 'cpuMs') - m(floor, 'cpuMs')) / n;
			judged.push({ n, nodeFloor, ownCpu });
			rows.push([
				String(n),
				m(bare, 'wallMs').toFixed(0),
				m(floor, 'wallMs').toFixed(0),
				m(node, 'wallMs').toFixed(0),
				(m(node, 'wallMs') / m(bare, 'wallMs')).toFixed(3),
				(m(floor, 'wallMs') / m(bare, 'wallMs')).toFixed(3),
				`${nodeFloor.toFixed(3)} ${mark(nodeFloor, TARGETS.nodeFloor.max)}`,
				((m(node, 'wallMs') - m(bare, 'wallMs')) / n).toFixed(3),
				((m(node, 'cpuMs') - m(bare, 'cpuMs')) / n).toFixed(3),
				`${ownCpu.toFixed(3)} ${mark(ownCpu, TARGETS.ownCpu.max)}`,
				m(bare, 'peakHeapMb').toFixed(1),
				m(node, 'peakHeapMb').toFixed(1),
				(m(node, 'outputBytes') / n / 1024).toFixed(2),
			]);
		}
		const header = [
			'N',
			'bare ms',
			'floor ms',
			'node ms',
			'node/bare',
			'floor/bare',
			`node/floor ≤${TARGETS.nodeFloor.max}`,
			'overhead ms/item',
			'CPU ms/item',
			`own CPU ms/item ≤${TARGETS.ownCpu.max}`,
			'bare peak MB',
			'node peak MB',
			'output KB/item',
		];
		const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
		const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
		console.log(`GetBill node vs bare fetch: latency ${LATENCY} ms, concurrency ${CONCURRENCY}, median of ${REPEAT}, node ${process.version}`);
		console.log(line(header));
		for (const row of rows) console.log(line(row));
		console.log(
			'overhead and CPU ms/item: node minus bare fetch; own CPU ms/item: node minus floor (the same PUTs through n8n\'s helper with nothing else).',
		);
		if (rows.length > 1) {
			const [small, large] = [rows[rows.length - 2], rows[rows.length - 1]];
			const slope = (col: number) =>
				(((parseFloat(large[col]) - parseFloat(small[col])) * 1024) / (Number(large[0]) - Number(small[0]))).toFixed(1);
			console.log(
				`Peak heap growth per added item, N=${small[0]} to N=${large[0]}: node ${slope(11)} KB, bare fetch ${slope(10)} KB (output JSON ${large[12]} KB/item).`,
			);
		}
		const summary = (key: keyof typeof TARGETS) => {
			const { label, max } = TARGETS[key];
			const met = judged.filter((r) => r[key] <= max).length;
			const rowsText = judged.map((r) => `N=${r.n} ${r[key].toFixed(3)} ${mark(r[key], max)}`).join(', ');
			return `${label} ≤ ${max}: ${met === judged.length ? '✓' : '✗'} ${met} of ${judged.length} rows (${rowsText})`;
		};
		console.log(`Targets: ${summary('nodeFloor')}; ${summary('ownCpu')}.`);
		console.log(
			'node/bare is printed, not judged: it includes what any node pays inside n8n (floor/bare). Memory per item should stay flat in N apart from the output. ' +
				'Not a test: a missed target is marked ✗, the exit code stays 0.',
		);
		if (DEBTS > 0) await debtRow(server);
		if (QUOTA_RECORDS > 0) await quotaRow();
		if (FILES.length > 0) await fileRow();
	} finally {
		server.stop();
		// n8n-core's SSH-tunnel cleanup interval would keep the process alive
		Container.get(SSHClientsManager).onShutdown();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
