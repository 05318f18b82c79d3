/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- the test writes its table to a file; tests run in Node.js, not inside n8n Cloud */
/**
 * The token budget of a read as an AI Agent's tool (issue #22, part 3): what
 * the model receives is `JSON.stringify` of the output items' JSON (n8n's
 * tool call, binary dropped), counted here in characters for Get Debt and Get
 * Many of 10 debts (test/fixtures/debts.ts: debts as a CRM import fills them)
 * in each Tool Output. The table goes to .bench/tool-output-budget.md (and to
 * the console with GETBILL_PRINT_BUDGET=1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { REALISTIC_DEBTS } from '../fixtures/debts';
import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const gb = useGetBillServer({ followupIds: [], clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: ['debts:read'] }] });

beforeAll(() => {
	for (const { id, data } of REALISTIC_DEBTS) gb.server.seedDebt(id, data);
});

/** Fields to Return of the Selected Fields row: what a model asking "who owes what, and where does it stand" needs. */
const SELECTED = 'id, firstname, lastname, amount, currency, status, due_date';

const MODES: Array<[string, INodeParameters]> = [
	['Raw', { toolOutput: 'raw' }],
	['Simplified (default)', {}],
	[`Selected Fields (${SELECTED.split(',').length})`, { toolOutput: 'selectedFields', toolFields: SELECTED }],
];

const READS: Array<[string, INodeParameters]> = [
	['Get Debt', { resource: 'debt', operation: 'get', debtId: { __rl: true, mode: 'id', value: REALISTIC_DEBTS[0].id } }],
	['Get Many (10 debts)', { resource: 'debt', operation: 'getAll', limit: 10 }],
];

/** The characters the model receives for a read in a mode. */
async function charsFor(read: INodeParameters, mode: INodeParameters): Promise<number> {
	const result = await runGetBill({ credentials: newCredentials(gb.url, { scope: 'debts:read' }), typeVersion: 2, asTool: true, parameters: { ...read, ...mode } });
	expect(result.error).toBeUndefined();
	return JSON.stringify(result.outputs[0].map((o) => o.json)).length;
}

describe('the characters a model receives from a GetBill tool read', () => {
	it('Simplified and Selected Fields cost a fraction of Raw; the table is written', async () => {
		const figures: Record<string, Record<string, number>> = {};
		for (const [read, readParameters] of READS) {
			figures[read] = {};
			for (const [mode, modeParameters] of MODES) figures[read][mode] = await charsFor(readParameters, modeParameters);
		}
		const [raw, simplified, selected] = MODES.map(([mode]) => mode);
		for (const [read] of READS) {
			expect(figures[read][simplified]).toBeLessThan(figures[read][raw] / 2);
			expect(figures[read][selected]).toBeLessThan(figures[read][simplified]);
		}
		const tokens = (chars: number) => `≈ ${Math.round(chars / 4).toLocaleString('en-US')}`;
		const lines = [
			'| Tool Output | ' + READS.map(([read]) => `${read}: characters | tokens (chars/4)`).join(' | ') + ' |',
			'|---|' + READS.map(() => '---:|---:').join('|') + '|',
			...MODES.map(([mode]) => `| ${mode} | ` + READS.map(([read]) => `${figures[read][mode].toLocaleString('en-US')} | ${tokens(figures[read][mode])}`).join(' | ') + ' |'),
		];
		const table = lines.join('\n');
		const file = path.join(__dirname, '..', '..', '.bench', 'tool-output-budget.md');
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, `${table}\n`);
		// eslint-disable-next-line no-console -- the budget test reports its figures when asked
		if (process.env.GETBILL_PRINT_BUDGET) console.log(table);
	});
});
