/**
 * One place says what a request is: each operation declares its kind once;
 * the run (concurrency, Retry On Fail, the write quota's option) and the
 * transport (retries, scope and words) take it from there.
 */
import { WRITE_OPERATIONS } from '../../nodes/GetBill/actions/options';
import { OPERATIONS } from '../../nodes/GetBill/actions/router';
import { isSafeToRepeat, KIND_OF_METHOD } from '../../nodes/GetBill/transport';

/** endpoints.md's method of each of the 25 operations */
const METHODS: Record<string, string> = {
	'company getCredits': 'GET',
	'company getProfile': 'GET',
	'creditor get': 'GET',
	'creditor getAll': 'GET',
	'creditor update': 'PATCH',
	'debt create': 'POST',
	'debt createMany': 'POST',
	'debt delete': 'DELETE',
	'debt get': 'GET',
	'debt getAll': 'GET',
	'debt getAllByCreditor': 'GET',
	'debt getAllByDebtor': 'GET',
	'debt update': 'PUT',
	'debtor get': 'GET',
	'debtor getAll': 'GET',
	'debtor update': 'PUT',
	'followup create': 'POST',
	'followup get': 'GET',
	'followup getAll': 'GET',
	'followup getAllByDebt': 'GET',
	'followup update': 'PUT',
	'report download': 'GET',
	'report get': 'GET',
	'report getAll': 'GET',
	'user getAll': 'GET',
};

/** Every operation of the router's table, by "resource operation" */
const everyOperation = () =>
	Object.entries(OPERATIONS).flatMap(([resource, operations]) =>
		Object.entries(operations).map(([name, operation]) => ({ name: `${resource} ${name}`, operation: name, op: operation })),
	);

describe('what a request is', () => {
	it('each of the 25 operations declares its kind once (no safeToRepeat of its own): the kind GetBill gives its method', () => {
		const all = everyOperation();
		expect(all.map((o) => o.name).sort()).toEqual(Object.keys(METHODS).sort());
		const declared = Object.fromEntries(all.map(({ name, op }) => [name, { kind: op.kind, ownSafeToRepeat: 'safeToRepeat' in op }]));
		const expected = Object.fromEntries(
			Object.entries(METHODS).map(([name, method]) => [name, { kind: KIND_OF_METHOD[method as keyof typeof KIND_OF_METHOD], ownSafeToRepeat: false }]),
		);
		expect(declared).toEqual(expected);
	});

	it('what may be repeated follows from the kind alone, and the editor\'s write operations are those that do not read', () => {
		expect(['read', 'update', 'create', 'delete'].map((kind) => isSafeToRepeat(kind as never))).toEqual([true, true, false, false]);
		const all = everyOperation();
		const writes = new Set(all.filter(({ op }) => op.kind !== 'read').map((o) => o.operation));
		const reads = new Set(all.filter(({ op }) => op.kind === 'read').map((o) => o.operation));
		expect([...writes].sort()).toEqual([...WRITE_OPERATIONS].sort());
		expect([...reads].filter((name) => writes.has(name))).toEqual([]);
	});
});
