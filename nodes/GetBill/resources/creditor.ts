/**
 * The one description of a creditor's writable fields (`../shared/api/creditors.md`):
 * camelCase names; no Create. Country is free text (GetBill's examples use the
 * full name, e.g. France).
 */
import { idSpec, joinLabel, textOf } from '../fields/ids';
import type { FieldSpec, ResourceTable } from '../fields/types';

const text = (name: string, displayName: string, description: string, placeholder?: string): FieldSpec => ({
	name,
	displayName,
	kind: 'string',
	update: true,
	description,
	...(placeholder ? { placeholder } : {}),
});

const FIELDS: readonly FieldSpec[] = [
	{ name: 'name', displayName: 'Name', kind: 'name', update: true, description: 'The creditor\'s name', placeholder: 'e.g. Acme Collections' },
	{ name: 'email', displayName: 'Email', kind: 'email', update: true, description: 'The creditor\'s email address', placeholder: 'name@email.com' },
	text('phone', 'Phone', 'The creditor\'s phone number, best in international format', 'e.g. +33123456789'),
	text('address', 'Address', 'Street line of the creditor\'s address', 'e.g. 12 Rue de Rivoli'),
	text('city', 'City', 'City of the creditor\'s address', 'e.g. Paris'),
	text('postalCode', 'Postal Code', 'Postal code of the creditor\'s address', 'e.g. 75001'),
	text('country', 'Country', 'Country, as free text (GetBill\'s examples use the full name)', 'e.g. France'),
	text('registrationNumber', 'Registration Number', 'The company registration number', 'e.g. 123 456 789 00012'),
	text('taxNumber', 'Tax Number', 'The tax (VAT) number', 'e.g. FR12345678901'),
	text('contactPerson', 'Contact Person', 'Who to contact at the creditor', 'e.g. Jane Smith'),
];

export const CREDITOR: ResourceTable = {
	resource: 'creditor',
	noun: 'creditor',
	fields: FIELDS,
	autoMapExamples: 'name, email, phone',
	simplified: ['id', 'name', 'email', 'phone', 'contactPerson', 'city', 'country', 'totalDebts', 'totalAmount'],
	returned: [
		'id', 'name', 'email', 'phone', 'address', 'city', 'postalCode', 'country', 'registrationNumber', 'taxNumber',
		'contactPerson', 'createdAt', 'updatedAt', 'totalDebts', 'totalAmount',
	],
	answerTypes: { id: 'string', createdAt: 'string', updatedAt: 'string', totalDebts: 'integer', totalAmount: 'number' },
	leftOut: { list: ['totalDebts', 'totalAmount'], update: ['totalDebts', 'totalAmount'] },
};

/** A creditor in "From List": its name, e.g. "Acme Collections — Paris". */
export const CREDITOR_ID = idSpec('creditor', 'abc123def456', {
	path: '/creditors',
	label: (c) => joinLabel(textOf(c.name), textOf(c.city)),
	searchAlso: ['email', 'contactPerson'],
});
