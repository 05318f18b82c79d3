/**
 * One rule for one quota (issue #28, points 3 and 4), run by n8n-core's real
 * engine against the GetBill-like server:
 *
 * - the same spent write quota, learnt from GetBill's X-RateLimit headers or
 *   from its 429, gets the same answer under each choice of "When Write Quota
 *   Runs Out" (Stop waits up to Max Rate-Limit Wait, as Wait does; Output
 *   Unsent Items never waits);
 * - GetBill's clock is not n8n's: a Reset (or a 429's reset_time) is a time
 *   left measured on GetBill's clock (minus the answer's Date), applied on ours.
 *
 * Each run has its own OAuth client (GetBill counts per client), so the runs
 * of a table go at once and a test's wall time stays that of its longest run.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import type { RunResult } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';
import type { Client } from '../server/getbill-server';

const SCOPES = ['followups:read', 'followups:write'];
const CHOICES = ['stop', 'wait', 'outputUnsent'] as const;
const SOURCES = ['headers', '429'] as const;
type Choice = (typeof CHOICES)[number];
type Source = (typeof SOURCES)[number];
/** Items of each run: 4 followup updates */
const ITEMS = 4;
/** The write quota of every client: 4 writes per 10 s */
const LIMIT = 4;
const WINDOW = 10;
const FIVE_MINUTES = 5 * 60_000;

/** The runs a test may make: one client and 4 followups each */
const RUN_NAMES = [
	...CHOICES.flatMap((choice) => SOURCES.flatMap((source) => [60, 1].map((wait) => `${choice}-${source}-${wait}`))),
	'stop-headers',
	'clock-headers',
	'clock-429',
	'clock-stop-headers',
	'clock-stop-429',
];
const clientOf = (name: string): Client => ({ clientId: `client-${name}`, clientSecret: `secret-${name}`, scopes: SCOPES });
const idsOf = (name: string) => Array.from({ length: ITEMS }, (_, n) => `fu_${name}_${n}`);

const gb = useGetBillServer({ followupIds: RUN_NAMES.flatMap(idsOf), clients: RUN_NAMES.map(clientOf) });
const { server } = gb;

/**
 * GetBill's write quota of the run's client, spent so that it frees up `freesInSeconds` from now:
 * - headers: 3 of the 4 writes counted long ago, so the first write passes and its answer says Remaining 0;
 * - 429: all 4 counted, so the first write is refused with GetBill's 429 (no header told the node before).
 */
function spendQuota(name: string, source: Source, freesInSeconds: number): void {
	server.setQuota('writes', { limit: LIMIT, windowSeconds: WINDOW, used: source === 'headers' ? LIMIT - 1 : LIMIT, usedAgoSeconds: WINDOW - freesInSeconds }, clientOf(name).clientId);
}

interface Run {
	name: string;
	result: RunResult;
	ms: number;
}

/** Updates the run's 4 followups (Auto-Map: each item names its followup and a status) with these options, as the run's client. */
async function updateAll(name: string, options: IDataObject): Promise<Run> {
	const client = clientOf(name);
	const started = Date.now();
	const result = await runGetBill({
		credentials: newCredentials(gb.url, { clientId: client.clientId, clientSecret: client.clientSecret, scope: SCOPES.join(' ') }),
		parameters: {
			resource: 'followup',
			operation: 'update',
			followupId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			fieldsToSend: 'autoMapInputData',
			inputFieldsToIgnore: 'id',
			options,
		} as INodeParameters,
		typeVersion: 2,
		items: idsOf(name).map((id) => ({ id, status: 'deal_found' })),
		timezone: 'UTC',
	});
	return { name, result, ms: Date.now() - started };
}

/** The followups of the run that GetBill updated */
const written = (name: string) => idsOf(name).filter((id) => server.getFollowup(id)!.status === 'deal_found');
/** The 429s GetBill answered the run's client */
const refusals = (name: string) => {
	const tokens = new Set(server.tokenRequests.filter((t) => t.clientId === clientOf(name).clientId).map((t) => t.issued));
	return server.requests.filter((r) => r.status === 429 && tokens.has(r.token)).length;
};

/**
 * What the user sees of a run, whatever told the node the quota is spent: whether it waited, whether every
 * item was written, how it stopped (the quota error naming the items not sent), and the items handed on.
 */
function outcome({ name, result, ms }: Run) {
	const done = written(name);
	const notWritten = idsOf(name).filter((id) => !done.includes(id));
	const error = result.error;
	const notSent = (error?.context?.itemsNotSent as number[] | undefined)?.map((n) => idsOf(name)[n]);
	const unsent = result.outputs[1] ?? [];
	return {
		waited: ms >= 1500,
		allWritten: done.length === ITEMS,
		stopped: error
			? {
					quotaSpent: /write quota is spent|rate limit reached/.test(error.message),
					// the error names exactly the items not written, in its description and its context
					namesTheItemsNotSent: notSent !== undefined && notSent.join() === notWritten.join() && /Not sent: items? \d/.test(error.description ?? ''),
				}
			: undefined,
		// Output Unsent Items: exactly the items not written, each with the time the quota frees up
		handedOn:
			unsent.length > 0 &&
			unsent.map((o) => o.json.id).join() === notWritten.join() &&
			unsent.every((o) => typeof o.json.getbill_quota_frees_at === 'string'),
	};
}

const WROTE_AFTER_WAITING = { waited: true, allWritten: true, stopped: undefined, handedOn: false };
const STOPPED = { waited: false, allWritten: false, stopped: { quotaSpent: true, namesTheItemsNotSent: true }, handedOn: false };
const HANDED_ON = { waited: false, allWritten: false, stopped: undefined, handedOn: true };

describe('one rule for a spent write quota, whatever told the node (headers or a 429)', () => {
	it('Stop (the default): the headers say Remaining 0, the quota frees up in 2 s: the run waits and every item is written, none refused', async () => {
		spendQuota('stop-headers', 'headers', 2);
		const run = await updateAll('stop-headers', {});
		expect(run.result.error).toBeUndefined();
		expect(written('stop-headers')).toEqual(idsOf('stop-headers'));
		expect(refusals('stop-headers')).toBe(0);
		expect(run.ms).toBeGreaterThanOrEqual(1500);
		expect(run.ms).toBeLessThan(6000);
	});

	it('each choice × each source, Max Rate-Limit Wait 60 and 1: the same outcome per choice, whether the headers or a 429 told the node', async () => {
		const runs: Array<{ choice: Choice; source: Source; wait: number; name: string }> = [];
		for (const choice of CHOICES) for (const source of SOURCES) for (const wait of [60, 1]) runs.push({ choice, source, wait, name: `${choice}-${source}-${wait}` });
		// Frees up in 3 s: within 60 s, beyond 1 s
		for (const { name, source } of runs) spendQuota(name, source, 3);
		const done = await Promise.all(runs.map(({ name, choice, wait }) => updateAll(name, { whenQuotaRunsOut: choice, maxRateLimitWait: wait })));
		const table = Object.fromEntries(runs.map((r, n) => [r.name, outcome(done[n])]));
		// The source is told: the headers' runs were never refused, the 429's were
		for (const { name, source } of runs) expect([name, refusals(name) > 0]).toEqual([name, source === '429']);
		// The same outcome for both sources, under each choice and wait
		for (const choice of CHOICES) {
			for (const wait of [60, 1]) expect([choice, wait, table[`${choice}-headers-${wait}`]]).toEqual([choice, wait, table[`${choice}-429-${wait}`]]);
		}
		expect(table).toEqual({
			'stop-headers-60': WROTE_AFTER_WAITING,
			'stop-429-60': WROTE_AFTER_WAITING,
			'stop-headers-1': STOPPED,
			'stop-429-1': STOPPED,
			'wait-headers-60': WROTE_AFTER_WAITING,
			'wait-429-60': WROTE_AFTER_WAITING,
			'wait-headers-1': STOPPED,
			'wait-429-1': STOPPED,
			'outputUnsent-headers-60': HANDED_ON,
			'outputUnsent-429-60': HANDED_ON,
			'outputUnsent-headers-1': HANDED_ON,
			'outputUnsent-429-1': HANDED_ON,
		});
	});
});

describe("GetBill's clock, 5 minutes ahead of n8n's (its Date header says so)", () => {
	it('Wait and Stop, Max Rate-Limit Wait 60, a quota GetBill frees up 2 s later: the run waits about 2 s and writes every item, headers or 429', async () => {
		server.clockOffsetMs = FIVE_MINUTES;
		spendQuota('clock-headers', 'headers', 2);
		spendQuota('clock-429', '429', 2);
		const [headers, refused] = await Promise.all([
			updateAll('clock-headers', { whenQuotaRunsOut: 'wait', maxRateLimitWait: 60 }),
			updateAll('clock-429', { maxRateLimitWait: 60 }),
		]);
		for (const run of [headers, refused]) {
			expect([run.name, run.result.error?.message]).toEqual([run.name, undefined]);
			expect(written(run.name)).toEqual(idsOf(run.name));
			expect(run.ms).toBeGreaterThanOrEqual(1500);
			expect(run.ms).toBeLessThan(6000);
		}
		expect(refusals('clock-429')).toBe(1);
	});

	it('a quota that frees up later than Max Rate-Limit Wait: the stop says when on n8n\'s clock (3 s from now), not GetBill\'s (5 minutes later)', async () => {
		server.clockOffsetMs = FIVE_MINUTES;
		spendQuota('clock-stop-headers', 'headers', 3);
		spendQuota('clock-stop-429', '429', 3);
		const runs = await Promise.all([updateAll('clock-stop-headers', { maxRateLimitWait: 1 }), updateAll('clock-stop-429', { maxRateLimitWait: 1 })]);
		const now = Date.now();
		for (const { name, result } of runs) {
			const error = result.error!;
			const freesAt = Date.parse(error.context.quotaFreesAt as string);
			expect([name, freesAt > now, freesAt < now + 5000]).toEqual([name, true, true]);
			// "none is left until 2026-12-02 10:35:12 (UTC)" / "The quota frees up at …": that same time, to the second
			const shown = /(?:none is left until|frees up at) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \(UTC\)/.exec(error.description ?? '');
			expect([name, shown && Math.abs(Date.parse(`${shown[1].replace(' ', 'T')}Z`) - freesAt) < 1000]).toEqual([name, true]);
		}
	});
});
