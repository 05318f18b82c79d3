'use strict';

/*
 * Issue #31, point 7, inside real n8n: a date made of fragments is refused
 * before any request, in GetBill nodes of versions 1 and 2 (Followup Update,
 * Call Date mapped from the input, On Error = Continue): "10:15" (luxon reads
 * it as today at 10:15) and "2024" (luxon reads it as 1 January) are paired
 * error items naming the field, the value and the item; the full date of the
 * same run is the only thing sent.
 */

const { versionsFor } = require('./lib/setup');
const W = require('./lib/workflows');
const { succeeded, useSuite } = require('./lib/run');

jest.setTimeout(180000);

const SCOPES = ['followups:read', 'followups:write'];
const CRED = { id: 'gbDatesCred00001', name: 'GetBill sandbox (dates)' };
const FOLLOWUP_ID = 'fu_dates_1';
const AT = ['10:15', '2024', '2024-01-25T10:15:00Z'];

const updateCallDate = (typeVersion) =>
	W.chain(`gbDatesUpdateV${typeVersion}`, `E2E dates: Call Date from the input, version ${typeVersion}`, [
		W.manualTrigger(),
		W.codeItems(
			'Times',
			AT.map((at) => ({ at })),
		),
		W.getBillNode('GetBill', {
			credential: CRED,
			typeVersion,
			onError: 'continueRegularOutput',
			parameters: {
				resource: 'followup',
				operation: 'update',
				followupId: typeVersion >= 2 ? W.idLocator(FOLLOWUP_ID) : FOLLOWUP_ID,
				updateFields: { call_date: '={{ $json.at }}' },
			},
		}),
	]);

// Newest pinned n8n only (GETBILL_E2E_FULL=1: every version): the node's own validation, the same code on every version (test/e2e/README.md).
const versions = versionsFor('newest');

describe.each(versions)('Dates in n8n %s', (version) => {
	const suite = useSuite({
		version,
		name: 'dates',
		scopes: SCOPES,
		credential: CRED,
		workflows: [updateCallDate(1), updateCallDate(2)],
		seed: (server) => server.seedFollowup(FOLLOWUP_ID, { status: 'scheduled' }),
	});
	const { execute, report } = suite;

	test.each([1, 2])('version %i: "10:15" and "2024" are paired error items before any request; the full date is the one PUT', async (typeVersion) => {
		const r = await execute(`gbDatesUpdateV${typeVersion}`);
		const [timeOnly, yearOnly, full, ...more] = succeeded(r);
		expect(more).toEqual([]);
		expect(timeOnly.json).toEqual({ error: 'Call Date (call_date) has a time but no date: "10:15" [item 0]', description: expect.stringMatching(/^Use an ISO 8601 date such as 2024-01-25T10:15:00Z/) });
		expect(yearOnly.json.error).toBe('Call Date (call_date) has no day: "2024" [item 1]');
		expect([timeOnly.pairedItem, yearOnly.pairedItem, full.pairedItem]).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(full.json).toMatchObject({ id: FOLLOWUP_ID, call_date: '2024-01-25T10:15:00+00:00' });
		expect(r.api.map((q) => [q.method, q.path, q.status, JSON.parse(q.rawBody || 'null')])).toEqual([
			['PUT', `/external-api/v1/followups/${FOLLOWUP_ID}`, 200, { call_date: '2024-01-25T10:15:00Z' }],
		]);
		report.cases[`v${typeVersion}`] = { errors: [timeOnly.json, yearOnly.json], sent: r.api.map((q) => JSON.parse(q.rawBody)) };
	});
});
