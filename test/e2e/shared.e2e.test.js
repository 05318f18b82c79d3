'use strict';

/*
 * The shared n8n server itself (lib/shared.js): a file that finds its version's server
 * gone (crashed, killed) gets it back. The server is killed (SIGKILL to its process
 * group, as the OOM killer would); the next sharedN8n() restarts it on the same user
 * folder, on a new port, with a new session: what the files before had created is still
 * there and runs. Newest pinned n8n only: this is the harness, not the package.
 */

const { versionsFor } = require('./lib/setup');
const { sharedN8n } = require('./lib/shared');
const { GetBillServer } = require('../server/getbill-server');
const W = require('./lib/workflows');

jest.setTimeout(240000);

const CRED = { id: 'gbSharedCred0001', name: 'GetBill sandbox (shared-server restart)' };
const WF = 'gbSharedRestart1';

describe.each(versionsFor('newest'))('the shared n8n %s comes back after a crash', (version) => {
	let server;
	beforeAll(async () => {
		server = new GetBillServer({ clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: ['followups:read', 'followups:write'] }] });
		await server.start();
		server.seedFollowup('fu_restart_0001');
	});
	afterAll(async () => await server?.stop());

	test('killed, it is restarted on the same user folder: the workflow made before still runs', async () => {
		const before = await sharedN8n(version);
		await before.importCredentials([W.credential({ ...CRED, baseUrl: server.url })]);
		await before.importWorkflows([
			W.chain(WF, 'E2E shared: restart', [W.manualTrigger(), W.getBill('GetBill', { followupId: 'fu_restart_0001', fields: { status: 'deal_found' }, credential: CRED })]),
		]);
		const n8nId = before.id(WF);
		const { pid } = require('./lib/setup').readState().shared[version];
		process.kill(-pid, 'SIGKILL');
		// Gone: the old URL no longer answers.
		await expect(fetch(`${before.url}/healthz`, { signal: AbortSignal.timeout(3000) })).rejects.toThrow();

		const after = await sharedN8n(version);
		expect(after.url).not.toBe(before.url);
		expect(require('./lib/setup').readState().shared[version].restarts).toBe(1);
		// Same database: the workflow made before the crash, under its n8n ID, runs.
		after.workflowIds.set(WF, n8nId);
		const r = await after.execute(WF);
		expect({ ok: r.ok, error: r.run.data.resultData.error?.message }).toEqual({ ok: true, error: undefined });
		expect(server.requests.filter((q) => q.method === 'PUT').map((q) => [q.path, JSON.parse(q.rawBody)])).toEqual([
			['/external-api/v1/followups/fu_restart_0001', { status: 'deal_found' }],
		]);
	});
});
