/**
 * The one description of a debtor's writable fields (`../shared/api/debtors.md`).
 * Debtor fields are camelCase (`firstName`, `dateOfBirth`), unlike the same
 * data on a debt (`firstname`, `birthdate`). Debtors have no Create: they come
 * from debts.
 */
import { idSpec, joinLabel, personName, textOf } from '../fields/ids';
import type { FieldSpec, ResourceTable } from '../fields/types';

const FIELDS: readonly FieldSpec[] = [
	{ name: 'firstName', displayName: 'First Name', kind: 'name', update: true, description: 'The debtor\'s first name', placeholder: 'e.g. Jane' },
	{ name: 'lastName', displayName: 'Last Name', kind: 'name', update: true, description: 'The debtor\'s last name', placeholder: 'e.g. Smith' },
	{ name: 'email', displayName: 'Email', kind: 'email', update: true, description: 'The debtor\'s email address', placeholder: 'name@email.com' },
	{ name: 'phone', displayName: 'Phone', kind: 'string', update: true, description: 'The debtor\'s phone number, best in international format', placeholder: 'e.g. +33612345678' },
	{ name: 'address', displayName: 'Address', kind: 'string', update: true, description: 'The debtor\'s address, one line of text', placeholder: 'e.g. 12 Rue de Rivoli, 75001 Paris' },
	{
		name: 'dateOfBirth',
		displayName: 'Date of Birth',
		kind: 'date',
		update: true,
		description: 'Sent as YYYY-MM-DD; a date-time is taken as its day in the workflow\'s timezone',
	},
];

export const DEBTOR: ResourceTable = {
	resource: 'debtor',
	noun: 'debtor',
	fields: FIELDS,
	autoMapExamples: 'firstName, email, phone',
	simplified: ['id', 'firstName', 'lastName', 'email', 'phone', 'totalDebtAmount', 'totalPaidAmount', 'debtsCount'],
	returned: [
		'id', 'firstName', 'lastName', 'email', 'phone', 'address', 'dateOfBirth', 'firstSeenAt', 'lastSeenAt', 'lastUpdatedAt',
		'totalDebtAmount', 'totalPaidAmount', 'averageRepaymentScore', 'debtsCount',
	],
	answerTypes: {
		id: 'string', firstSeenAt: 'string', lastSeenAt: 'string', lastUpdatedAt: 'string', totalDebtAmount: 'number', totalPaidAmount: 'number',
		averageRepaymentScore: 'integer', debtsCount: 'integer',
	},
	leftOut: { list: ['totalDebtAmount', 'totalPaidAmount', 'averageRepaymentScore', 'debtsCount'] },
};

/** A debtor in "From List": name and email (or phone), e.g. "Jane Smith — jane@example.com". */
export const DEBTOR_ID = idSpec('debtor', 'def456ghi789', {
	path: '/debtors',
	label: (d) => joinLabel(personName(d, 'firstName', 'lastName'), textOf(d.email) ?? textOf(d.phone)),
	searchAlso: ['phone'],
});
