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
 * Options: --latency MS (20), --sizes 1,100,1000, --concurrency 5, --repeat 3,
 * --debts 1000 (0 skips the debt row) (`npm run bench -- --sizes 10,100 --repeat 1`)
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

import '../test/helpers/env';
import { newCredentials, runGetBill } from '../test/helpers/n8n-harness';
import { floorNode } from './floor-node';
import type { ServerRecords } from './server';

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
}

/** test/server/getbill-server.js, run by bench/server.ts (its client may also ask for the debt scopes; records over IPC). */
async function startServer(): Promise<Server> {
	const script = path.resolve(__dirname, 'server.js');
	const child = spawn(process.execPath, [script, '--port', '0', '--latency', String(LATENCY), '--rate-limit', '100000000', '--followups', ids.join(',')], {
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
	const records = () =>
		new Promise<ServerRecords>((resolve, reject) => {
			const id = ++lastId;
			const onMessage = (message: { id: number; records: ServerRecords }) => {
				if (message.id !== id) return;
				child.off('message', onMessage);
				resolve(message.records);
			};
			child.on('message', onMessage);
			child.send({ id, type: 'records' }, (error) => error && reject(error));
		});
	return { url, stop: () => child.kill('SIGTERM'), records };
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

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
	console.log(
		`Options: npm run bench -- --sizes ${SIZES.join(',')} --latency ${LATENCY} --concurrency ${CONCURRENCY} --repeat ${REPEAT} --debts ${DEBTS}` +
			' (these are the values of this run; defaults: --sizes 1,100,1000 --latency 20 --concurrency 5 --repeat 3 --debts 1000, 0 skips the debt row)',
	);
	const bad = [LATENCY, CONCURRENCY, REPEAT, ...SIZES].some((v) => !Number.isFinite(v) || v < 0) || SIZES.some((n) => n < 1) || REPEAT < 1 || CONCURRENCY < 1;
	if (bad) throw new Error('--sizes takes positive item counts (e.g. 10,100); --latency, --concurrency and --repeat numbers');
	if (!Number.isInteger(DEBTS) || DEBTS < 0) throw new Error('--debts takes a number of debts (0 skips the debt row)');
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
