/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- the test loads n8n 2.41.1's check from the e2e cache; tests run in Node.js, not inside n8n Cloud */
/**
 * The node-level `builderHint` for n8n 2.41's AI workflow builder (issue #22,
 * part 5): what each node is for and which node goes with it, short, with no
 * wire-format text (the lint's no-builder-hint-leakage), and never on a
 * property named operation, resource or mode, which n8n 2.41 refuses to load
 * (its own check runs here where the e2e cache holds n8n 2.41.1).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { WithBuilderHint } from '../nodes/GetBill/GetBill.node';
import { GetBill } from '../nodes/GetBill/GetBill.node';
import { GetBillTrigger } from '../nodes/GetBillTrigger/GetBillTrigger.node';
import { name as packageName } from '../package.json';

const NODES: Array<[string, WithBuilderHint]> = [
	['GetBill', new GetBill().description],
	['GetBill Trigger', new GetBillTrigger().description],
];
const typeOf = (description: WithBuilderHint) => `${packageName}.${description.name}`;

/** Every string of a value, however deep. */
const stringsOf = (value: unknown): string[] =>
	typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(stringsOf) : [];

describe.each(NODES)('the builderHint of %s', (_name, description) => {
	const hint = description.builderHint!;

	it('says what the node is for, in a few sentences', () => {
		expect(hint.searchHint).toMatch(/GetBill/);
		expect(hint.searchHint!.length).toBeLessThan(600);
	});

	it('names the other GetBill node as related, by its type', () => {
		const other = NODES.map(([, d]) => d).find((d) => d !== description)!;
		expect(hint.relatedNodes).toEqual(expect.arrayContaining([expect.objectContaining({ nodeType: typeOf(other) })]));
		for (const related of hint.relatedNodes!) expect(related.relationHint.length).toBeLessThan(200);
	});

	it('holds no expression or connection-type text', () => {
		for (const text of stringsOf(hint)) {
			expect(text).not.toContain('={{');
			expect(text).not.toMatch(/\bai_[a-zA-Z]+/);
		}
	});

	it('sits on the node only: no property or option carries one', () => {
		const carriers = (items: unknown[] = [], where = ''): string[] =>
			(items as Array<{ name?: string; builderHint?: unknown; options?: unknown[]; values?: unknown[] }>).flatMap((item) => [
				...(item.builderHint !== undefined ? [`${where}${item.name}`] : []),
				...carriers(item.options, `${where}${item.name}.`),
				...carriers(item.values, `${where}${item.name}.`),
			]);
		expect(carriers(description.properties)).toEqual([]);
	});
});

const cache = process.env.GETBILL_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'n8n-nodes-getbill-e2e');
const check = path.join(cache, 'n8n-2.41.1', 'node_modules', 'n8n-core', 'dist', 'nodes-loader', 'validate-node-description.js');

(fs.existsSync(check) ? describe : describe.skip)('n8n 2.41.1\'s load-time check of a node description', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { validateNodeDescription } = require(check) as { validateNodeDescription: (d: unknown) => void };

	it.each(NODES)('passes for %s', (_name, description) => {
		expect(() => validateNodeDescription(description)).not.toThrow();
	});

	it('would refuse a builderHint on the operation property (what it checks)', () => {
		const description = new GetBill().description;
		const properties = description.properties.map((p) => (p.name === 'operation' ? { ...p, builderHint: { propertyHint: 'x' } } : p));
		expect(() => validateNodeDescription({ ...description, properties })).toThrow(/discriminator/);
	});
});
