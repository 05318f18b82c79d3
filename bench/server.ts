/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @typescript-eslint/no-require-imports -- a Node.js process of the benchmark (loads the plain-JS test server), not node code */
/**
 * The benchmark's GetBill-like server, in a process of its own (started by
 * bench/run.ts): test/server/getbill-server.js with the options its command
 * line takes (--port, --latency, --rate-limit, --followups, and for the quota
 * row --write-limit and --write-window: the writes quota per client in a
 * sliding window of that many seconds; for the download row --reports, the
 * sizes in bytes of generated reports), except that its client may also ask
 * for the debt scopes (debts:read debts:write, for the Create vs Create Many
 * row) and reports:read (the download row); the followup paths still ask for
 * and get the followup scopes only.
 * bench/run.ts reads its records over the IPC channel: how many POST /debts
 * and POST /debts/batch it received, how many writes it counted and how many
 * debts it holds (`records`); for the quota row, every PUT it received, by
 * status and by followup, and the followups' state (`quota`).
 */
import * as path from 'path';
import type * as GetBillServerModule from '../test/server/getbill-server';

const { GetBillServer, DEFAULT_CLIENT, API } = require(
	path.resolve(__dirname, '../../test/server/getbill-server.js'),
) as typeof GetBillServerModule;

/** What bench/run.ts asks for (`records`) and what it gets back. */
export interface ServerRecords {
	/** POST /debts received (Create) */
	creates: number;
	/** POST /debts/batch received (Create Many) */
	batches: number;
	/** Debts sent in those batches */
	batchDebts: number;
	/** Requests of either route answered with another status than 200/201 */
	refused: number;
	/** Writes counted against the rate limit (every route) */
	writes: number;
	/** Debts the server holds */
	debts: number;
}

export function records(server: GetBillServerModule.GetBillServer): ServerRecords {
	const out: ServerRecords = { creates: 0, batches: 0, batchDebts: 0, refused: 0, writes: server.rateLimit.used, debts: server.debts.size };
	for (const r of server.requests) {
		if (r.method !== 'POST') continue;
		if (r.path === `${API}/debts`) out.creates++;
		else if (r.path === `${API}/debts/batch`) {
			out.batches++;
			out.batchDebts += Array.isArray(r.body?.debts) ? r.body.debts.length : 0;
		} else continue;
		if (r.status !== 200 && r.status !== 201) out.refused++;
	}
	return out;
}

/** What the quota row asks for (`quota`): the server's own account of the followup updates it received. */
export interface QuotaRecords {
	/** PUT /followups/{id} received */
	puts: number;
	/** Those PUTs by the status they were answered (e.g. {"200": 2000, "429": 0}) */
	putStatuses: Record<string, number>;
	/** API requests other than those PUTs (by "METHOD status") */
	otherRequests: Record<string, number>;
	/** Followup ID → PUTs of it answered 200 (IDs never updated absent) */
	updated: Record<string, number>;
	/** Followup ID → its status and processed_at now */
	followups: Record<string, { status: unknown; processedAt: unknown }>;
	/** [arrived, answered] (ms since epoch) of every API request: when the server was busy answering */
	busy: Array<[number, number]>;
	/** Requests to /token */
	tokenRequests: number;
}

export function quotaRecords(server: GetBillServerModule.GetBillServer, ids: string[]): QuotaRecords {
	const out: QuotaRecords = { puts: 0, putStatuses: {}, otherRequests: {}, updated: {}, followups: {}, busy: [], tokenRequests: server.tokenRequests.length };
	const prefix = `${API}/followups/`;
	for (const r of server.requests) {
		out.busy.push([r.startedAt, r.endedAt ?? r.startedAt]);
		if (r.method === 'PUT' && r.path.startsWith(prefix)) {
			out.puts++;
			out.putStatuses[r.status] = (out.putStatuses[r.status] ?? 0) + 1;
			if (r.status === 200) {
				const id = decodeURIComponent(r.path.slice(prefix.length));
				out.updated[id] = (out.updated[id] ?? 0) + 1;
			}
		} else {
			const key = `${r.method} ${r.status}`;
			out.otherRequests[key] = (out.otherRequests[key] ?? 0) + 1;
		}
	}
	for (const id of ids) {
		const followup = server.followups.get(id);
		if (followup) out.followups[id] = { status: followup.status, processedAt: followup.processed_at };
	}
	return out;
}

if (require.main === module) {
	const args = process.argv.slice(2);
	const get = (name: string, fallback: string) => {
		const i = args.indexOf(`--${name}`);
		return i === -1 ? fallback : args[i + 1];
	};
	const followupIds = get('followups', 'abc123def456').split(',');
	const writeWindow = get('write-window', '');
	const server = new GetBillServer({
		port: Number(get('port', '0')),
		latencyMs: Number(get('latency', '0')),
		followupIds,
		// --write-limit is the server's own name for the writes limit; --rate-limit its old one
		quota: { writes: { limit: Number(get('write-limit', get('rate-limit', '500'))), windowSeconds: writeWindow === '' ? undefined : Number(writeWindow) } },
		clients: [{ ...DEFAULT_CLIENT, scopes: [...DEFAULT_CLIENT.scopes, 'debts:read', 'debts:write', 'reports:read'] }],
	});
	// The download row (bench/download.ts): --reports 1000,10485760 seeds report_<bytes>, its file generated and streamed by the file host
	for (const size of get('reports', '').split(',').filter(Boolean).map(Number)) {
		server.seedReport(`report_${size}`, { file_size: size, filename: `report_${size}.pdf` });
		server.setReportDownload(`report_${size}`, { generated: size });
	}
	process.on('message', (message: { id: number; type: string }) => {
		if (message?.type === 'records') process.send?.({ id: message.id, records: records(server) });
		if (message?.type === 'quota') process.send?.({ id: message.id, records: quotaRecords(server, followupIds) });
	});
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		void server.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	// the bench went away without stopping us
	process.on('disconnect', stop);
	void server.start().then((url) => {
		console.log(`GetBill sandbox listening on ${url} (client id ${DEFAULT_CLIENT.clientId})`);
	});
}
