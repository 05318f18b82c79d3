/**
 * The one description of a debt's writable fields (`../shared/api/debts.md`):
 * Create's required fields are parameters of their own, the rest go under
 * "Additional Fields"; Update takes its documented fields under "Update
 * Fields". The editor's properties, the validation and the bodies of Create,
 * Create Many and Update are derived from this table.
 */
import { idSpec, joinLabel, personName, textOf } from '../fields/ids';
import type { AnswerFields, FieldOption, FieldSpec, ResourceTable } from '../fields/types';

/** The five statuses Update can set (GetBill returns them with this prefix). */
export const DEBT_SETTABLE_STATUSES: readonly FieldOption[] = [
	{ name: 'Paid', value: 'status.default.paid' },
	{ name: 'In Progress', value: 'status.default.in_progress' },
	{ name: 'On Hold', value: 'status.default.on_hold' },
	{ name: 'Failed', value: 'status.default.failed' },
	{ name: 'Archived', value: 'status.default.archived' },
];

const DATE_NOTE = 'Sent as YYYY-MM-DD; a date-time is taken as its day in the workflow\'s timezone.';
const both = { create: 'additional', update: true } as const;

export const DEBT_FIELDS: readonly FieldSpec[] = [
	{ name: 'firstname', displayName: 'First Name', kind: 'name', create: 'main', update: true, requiredOnCreate: true, description: 'The debtor\'s first name', placeholder: 'e.g. Jane' },
	{ name: 'lastname', displayName: 'Last Name', kind: 'name', create: 'main', update: true, requiredOnCreate: true, description: 'The debtor\'s last name', placeholder: 'e.g. Smith' },
	{ name: 'amount', displayName: 'Amount', kind: 'amount', create: 'main', update: true, requiredOnCreate: true, description: 'The amount owed, greater than 0 (e.g. 1250.00)' },
	{ name: 'currency', displayName: 'Currency', kind: 'currency', create: 'main', update: true, requiredOnCreate: true, createDefault: 'EUR', description: 'ISO 4217 currency code, e.g. EUR or USD', placeholder: 'e.g. EUR' },
	{ name: 'email', displayName: 'Email', kind: 'email', create: 'main', update: true, description: 'The debtor\'s email address. Create needs an email or a phone (or both).', placeholder: 'name@email.com' },
	{ name: 'phone', displayName: 'Phone', kind: 'string', create: 'main', update: true, description: 'The debtor\'s phone number, best in international format; GetBill stores it as E.164. Create needs a phone or an email (or both).', placeholder: 'e.g. +33612345678' },
	{ name: 'civility', displayName: 'Civility', kind: 'options', ...both, values: [{ name: 'Mr', value: 'Mr' }, { name: 'Ms', value: 'Ms' }], description: 'The debtor\'s civility' },
	{ name: 'birthdate', displayName: 'Birthdate', kind: 'date', ...both, description: `The debtor's date of birth. ${DATE_NOTE}` },
	{ name: 'object', displayName: 'Object', kind: 'string', ...both, description: 'What the debt is for', placeholder: 'e.g. Invoice INV-2024-002' },
	{ name: 'internal_id', displayName: 'Internal ID', kind: 'string', ...both, description: 'Your own reference for the debt (best unique in your company)', placeholder: 'e.g. CRM-4521' },
	{ name: 'invoice_reference', displayName: 'Invoice Reference', kind: 'string', ...both, description: 'The invoice number; GetBill uses it to match debts in upsert imports and shows it in communications', placeholder: 'e.g. INV-2024-002' },
	{ name: 'debtor_reference', displayName: 'Debtor Reference', kind: 'string', ...both, description: 'Your ID for the debtor' },
	{ name: 'invoice_date', displayName: 'Invoice Date', kind: 'date', ...both, description: `The invoice's date. ${DATE_NOTE}` },
	{ name: 'due_date', displayName: 'Due Date', kind: 'date', ...both, description: `When the debt was due, after the invoice date. ${DATE_NOTE}` },
	{ name: 'address', displayName: 'Address', kind: 'string', ...both, description: 'The full address as free text (legacy: prefer the street, postal code, city and country fields)' },
	{ name: 'street_number', displayName: 'Street Number', kind: 'string', ...both, description: 'Street number of the debtor\'s address', placeholder: 'e.g. 12' },
	{ name: 'street_address', displayName: 'Street Address', kind: 'string', ...both, description: 'Street of the debtor\'s address', placeholder: 'e.g. Rue de Rivoli' },
	{ name: 'postal_code', displayName: 'Postal Code', kind: 'string', ...both, description: 'Postal code of the debtor\'s address', placeholder: 'e.g. 75001' },
	{ name: 'city', displayName: 'City', kind: 'string', ...both, description: 'City of the debtor\'s address', placeholder: 'e.g. Paris' },
	{ name: 'country', displayName: 'Country', kind: 'country', ...both, looseOnUpdate: true, description: 'ISO 3166-1 alpha-2 country code, e.g. FR (Update also takes a country name)', placeholder: 'e.g. FR' },
	{ name: 'iban', displayName: 'IBAN', kind: 'iban', ...both, description: 'The debtor\'s IBAN (spaces are removed, the check digits are verified)', placeholder: 'e.g. FR1420041010050500013M02606' },
	{ name: 'company', displayName: 'Company', kind: 'string', ...both, description: 'The creditor you collect for: only for collection agencies; leave empty for your own debts' },
	{ name: 'debtor_company', displayName: 'Debtor Company', kind: 'string', ...both, description: 'The debtor\'s company, for business debts' },
	{ name: 'payment_link', displayName: 'Payment Link', kind: 'string', ...both, description: 'Your own payment URL for this debt', placeholder: 'e.g. https://pay.example.com/inv-2024-002' },
	{ name: 'timeline_id', displayName: 'Timeline ID', kind: 'string', ...both, description: 'The API ID of one of your company\'s timelines (GetBill dashboard → Timeline Management)' },
	{
		name: 'timeline_start_mode',
		displayName: 'Timeline Start Mode',
		kind: 'options',
		create: 'additional',
		onlyWith: 'timeline_id',
		values: [
			{ name: 'Immediate', value: 'immediate' },
			{ name: 'Next Day', value: 'next_day' },
		],
		description: 'When the timeline starts: now (Immediate, GetBill\'s default) or on the next allowed business day. Only with a Timeline ID.',
	},
	{ name: 'metadata', displayName: 'Metadata', kind: 'json', ...both, description: 'Your own key/value pairs, as a JSON object (e.g. {"crm_id": "CRM-123"})' },
	{
		name: 'accept_expensive_destination',
		displayName: 'Accept Expensive Destination',
		kind: 'boolean',
		create: 'additional',
		description: 'Whether to accept a phone in a costly destination (French overseas territories, Maghreb), which GetBill otherwise refuses with the cost per call',
	},
	{ name: 'status', displayName: 'Status', kind: 'options', update: true, values: DEBT_SETTABLE_STATUSES, description: 'The new status; GetBill lets Update set these five' },
];

export const DEBT: ResourceTable = {
	resource: 'debt',
	noun: 'debt',
	fields: DEBT_FIELDS,
	oneOfOnCreate: [['phone', 'email']],
	autoMapExamples: 'firstname, amount, email',
	simplified: [
		'id',
		'firstname',
		'lastname',
		'email',
		'phone',
		'amount',
		'currency',
		'status',
		'due_date',
		'invoice_reference',
		'internal_id',
		'company',
		'followups_count',
		'payment_link',
	],
	// debts.md's debt object; the newer pages' fields (invoice_reference, debtor_reference, payment_plan_active, plan_start_date, contacts) included
	returned: [
		'id', 'civility', 'firstname', 'lastname', 'phone', 'email', 'birthdate', 'amount', 'amount_text', 'currency', 'object',
		'internal_id', 'invoice_reference', 'debtor_reference', 'invoice_date', 'due_date', 'address', 'street_address',
		'street_number', 'postal_code', 'city', 'country', 'status', 'timeline_id', 'nb_reminders', 'nb_answered', 'summary',
		'iban', 'followups_count', 'company', 'debtor_company', 'payment_link', 'metadata', 'import_date',
		'last_timeline_restart', 'payment_plan_active', 'plan_start_date', 'contacts',
	],
	// plan_start_date: always null in GetBill's examples, its type unknown
	answerTypes: {
		id: 'string', amount_text: 'string', nb_reminders: 'integer', nb_answered: 'integer', summary: 'string', followups_count: 'integer',
		import_date: 'string', last_timeline_restart: 'string', payment_plan_active: 'boolean', plan_start_date: 'null', contacts: 'array',
	},
	ignoreExample: {
		placeholder: 'e.g. company, phone',
		hint: 'A CRM export may carry fields with GetBill\'s names but another meaning (e.g. its own "company"): list them here',
	},
};

/** The fields of a debt that GetBill's batch answer echoes for a created row (debts.md). */
export const DEBT_BATCH_ECHO = ['firstname', 'lastname', 'phone', 'email', 'amount', 'currency'];

/**
 * What Create Many outputs of each created debt: GetBill's batch row
 * (`debts.md`, Batch create) — the debt's `id` (as Create's) and `debt_id`,
 * `import_id`, `temp_id` (the item's index), `status` — with its echo of the
 * debt's names, contact, amount and currency.
 */
export const DEBT_BATCH_ROW: AnswerFields = {
	returned: ['id', 'debt_id', 'import_id', 'temp_id', 'status', ...DEBT_BATCH_ECHO],
	answerTypes: { debt_id: 'string', import_id: 'string', temp_id: 'string' },
};

/** What Delete outputs (GetBill's answer has no data): the debt's ID and `deleted: true`. */
export const DEBT_DELETED: AnswerFields = { returned: ['id', 'deleted'], answerTypes: { deleted: 'boolean' } };

/** An amount with two decimals and its currency, e.g. "750.50 EUR". */
function amountText(debt: { amount?: unknown; amount_text?: unknown; currency?: unknown }): string | undefined {
	const amount = typeof debt.amount === 'number' ? debt.amount.toFixed(2) : textOf(debt.amount_text) ?? textOf(debt.amount);
	return amount === undefined ? undefined : [amount, textOf(debt.currency)].filter(Boolean).join(' ');
}

/** A debt in "From List": debtor, amount and reference, e.g. "Jane Smith — 750.50 EUR — INV-2024-002". */
export const DEBT_ID = idSpec('debt', 'debt_abc123def456', {
	path: '/debts',
	label: (d) =>
		joinLabel(
			personName(d, 'firstname', 'lastname') ?? textOf(d.debtor_company),
			amountText(d),
			textOf(d.invoice_reference) ?? textOf(d.internal_id),
		),
	searchAlso: ['email', 'phone', 'internal_id', 'invoice_reference', 'debtor_company', 'company'],
});
