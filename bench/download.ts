/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- the benchmark is a Node.js program, not node code */
/**
 * The download row of `npm run bench` (issue #31, point 2): Report Download of
 * a 1 KB report (the baseline), then of reports of --files sizes in MiB (10
 * and 100), through the real node in n8n-core's engine, into n8n's binary
 * store in filesystem mode (n8n's default since 2.x), from the file host of
 * the benchmark's server process (which streams a generated file, so that its
 * memory is not this process's). While each download runs, this process's
 * memory is sampled after a forced collection (--expose-gc): what is held,
 * not garbage. Printed: the Buffers (arrayBuffers) and heap held at the peak,
 * above what was held before the run, for each size; and the ratios of the
 * figures to the baseline's and to the file's size. A file held whole would
 * show its own size (twice, with a copy) in Buffers; streamed, the figure is
 * the same for every size. Not a test: a missed target is marked ✗.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { newCredentials, runGetBill } from '../test/helpers/n8n-harness';

const MIB = 1024 * 1024;
/** The baseline: a 1 KB report through the same path */
export const BASELINE_BYTES = 1000;

/** Targets: Buffers held above the baseline's, at most this share of the file; and no more for 100 MiB than for 10 MiB, times this. */
const TARGETS = { heldShare: 0.1, flat: 1.5 } as const;
const mark = (value: number, max: number) => (value <= max ? '✓' : '✗');

function gc() {
	(global as { gc?: () => void }).gc?.();
}

/** What is held (after a collection) at the peak of `fn`, above what was held before it, in bytes. */
async function heldDuring(fn: () => Promise<void>): Promise<{ buffers: number; heap: number; ms: number }> {
	gc();
	const before = process.memoryUsage();
	let buffers = 0;
	let heap = 0;
	const sample = () => {
		// Twice: V8 frees the backing stores of collected ArrayBuffers concurrently, after the collection that found them
		gc();
		gc();
		const now = process.memoryUsage();
		buffers = Math.max(buffers, now.arrayBuffers - before.arrayBuffers);
		heap = Math.max(heap, now.heapUsed - before.heapUsed);
	};
	const sampler = setInterval(sample, 100);
	const started = Date.now();
	try {
		await fn();
	} finally {
		clearInterval(sampler);
	}
	const ms = Date.now() - started;
	return { buffers, heap, ms };
}

/** Puts n8n's binary data service in filesystem mode, its files in a folder of its own (removed by the returned function). */
async function filesystemBinaryStore(): Promise<() => void> {
	const folder = mkdtempSync(path.join(tmpdir(), 'getbill-bench-binary-'));
	process.env.N8N_BINARY_DATA_STORAGE_PATH = folder;
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
	await Container.get(BinaryDataService).init();
	return () => rmSync(folder, { recursive: true, force: true });
}

/** The download row: `sizesMib` after the 1 KB baseline, from the server at `url` (bench/server.ts --reports). */
export async function downloadRow(url: string, sizesMib: number[]): Promise<void> {
	const cleanUp = await filesystemBinaryStore();
	const credentials = newCredentials(url, { scope: 'reports:read' });
	const download = async (bytes: number) => {
		const result = await runGetBill({
			credentials,
			typeVersion: 2,
			parameters: { resource: 'report', operation: 'download', reportId: { __rl: true, mode: 'id', value: `report_${bytes}` } },
		});
		if (result.error) throw new Error(`the download of ${bytes} bytes failed: ${result.error.message}`);
		const binary = result.outputs[0][0].binary!.data;
		if (binary.bytes !== bytes || !binary.id) throw new Error(`the download of ${bytes} bytes stored ${binary.bytes} bytes (${binary.id ?? 'inline'})`);
	};
	try {
		console.log(`Measuring Report Download of 1 KB (baseline), ${sizesMib.map((s) => `${s} MiB`).join(', ')} into n8n's binary store (filesystem mode) ...`);
		await download(BASELINE_BYTES); // warm up
		const base = await heldDuring(() => download(BASELINE_BYTES));
		const rows = [];
		for (const mib of sizesMib) rows.push({ mib, ...(await heldDuring(() => download(mib * MIB))) });
		const fmt = (bytes: number) => (bytes / MIB).toFixed(2);
		const header = ['file', 'ms', 'Buffers held MiB', 'heap held MiB', 'Buffers above baseline / file', `≤${TARGETS.heldShare}`];
		const lines = [
			['1 KB', String(base.ms), fmt(base.buffers), fmt(base.heap), '(baseline)', ''],
			...rows.map((r) => {
				const share = Math.max(0, r.buffers - base.buffers) / (r.mib * MIB);
				return [`${r.mib} MiB`, String(r.ms), fmt(r.buffers), fmt(r.heap), share.toFixed(4), mark(share, TARGETS.heldShare)];
			}),
		];
		const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
		const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
		console.log(`Report Download: memory held at the peak (after a forced collection), above what was held before each run; node ${process.version}`);
		console.log(line(header));
		for (const l of lines) console.log(line(l));
		if (rows.length > 1) {
			const [small, large] = [rows[0], rows[rows.length - 1]];
			// Against the baseline: + 1 MiB so that a near-zero figure does not make the ratio meaningless
			const grow = (r: { buffers: number; heap: number }) => (r.buffers + r.heap - base.buffers - base.heap + MIB) / MIB;
			const flat = grow(large) / Math.max(grow(small), 1);
			console.log(
				`Flat in size: held (Buffers + heap, above the baseline, + 1 MiB) for ${large.mib} MiB / for ${small.mib} MiB = ${flat.toFixed(2)} ${mark(flat, TARGETS.flat)} (≤${TARGETS.flat}; held whole, it would be ${(large.mib / small.mib).toFixed(0)}).`,
			);
		}
		console.log('A file held whole (as before #31: the body, then a copy) holds at least its own size in Buffers, twice during the copy. Not a test: a missed target is marked ✗.');
	} finally {
		cleanUp();
	}
}
