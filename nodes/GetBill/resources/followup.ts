/**
 * The one description of a followup's writable fields.
 *
 * The editor's "Update Fields" and "Additional Fields" collections, the
 * validation of every value and the request body are all derived from this
 * table. Names and enum values are GetBill's, exactly as documented in
 * `PUT /external-api/v1/followups/{id}`. Every field can be set on Update and
 * on Create (under Additional Fields).
 */
import type { FieldOption, FieldSpec, ResourceTable } from '../fields/types';
import { idSpec, joinLabel, textOf } from '../fields/ids';
import { fieldOf } from '../fields/types';

export const FOLLOWUP_STATUSES: readonly FieldOption[] = [
	{ name: 'On Hold', value: 'on_hold' },
	{ name: 'Scheduled', value: 'scheduled' },
	{ name: 'In Progress', value: 'in_progress' },
	{ name: 'Sent', value: 'sent' },
	{ name: 'Delivered', value: 'delivered' },
	{ name: 'Deal Found', value: 'deal_found' },
	{ name: 'No Answer', value: 'no_answer' },
	{ name: 'Deal Not Found', value: 'deal_not_found' },
	{ name: 'Bad Behavior', value: 'bad_behavior' },
	{ name: 'Failed', value: 'failed' },
	{ name: 'Cancelled', value: 'cancelled' },
];

export const FOLLOWUP_TYPES: readonly FieldOption[] = [
	{ name: 'Call', value: 'call' },
	{ name: 'Email', value: 'email' },
	{ name: 'SMS', value: 'sms' },
	{ name: 'WhatsApp', value: 'whatsapp' },
	{ name: 'Voicemail', value: 'voicemail' },
	{ name: 'Manual Call', value: 'manual_call' },
	{ name: 'Physical', value: 'physical' },
	{ name: 'Postmail', value: 'postmail' },
];

export const CALL_DIRECTIONS: readonly FieldOption[] = [
	{ name: 'Inbound', value: 'inbound' },
	{ name: 'Outbound', value: 'outbound' },
];

const FIELDS: ReadonlyArray<Omit<FieldSpec, 'create' | 'update'>> = [
	{
		name: 'status',
		displayName: 'Status',
		kind: 'options',
		values: FOLLOWUP_STATUSES,
		description: 'New status of the followup',
	},
	{
		name: 'type',
		displayName: 'Type',
		kind: 'options',
		values: FOLLOWUP_TYPES,
		description: 'Channel of the followup',
	},
	{
		name: 'call_date',
		displayName: 'Call Date',
		kind: 'dateTime',
		description:
			'When the followup was executed. A date without an offset is read in the workflow\'s timezone.',
	},
	{
		name: 'scheduled_at',
		displayName: 'Scheduled At',
		kind: 'dateTime',
		description:
			'When to execute the followup. A date without an offset is read in the workflow\'s timezone.',
	},
	{
		name: 'summary',
		displayName: 'Summary',
		kind: 'string',
		description: 'Brief summary of the followup results',
		placeholder: 'e.g. Successful contact, payment plan agreed',
	},
	{
		name: 'notes',
		displayName: 'Notes',
		kind: 'string',
		rows: 4,
		description: 'Detailed notes about what happened during the followup',
		placeholder: 'e.g. Customer agreed to pay €500 monthly starting February 1st.',
	},
	{
		name: 'call_id',
		displayName: 'Call ID',
		kind: 'string',
		description: 'External call ID from the telephony or voice-AI provider',
		placeholder: 'e.g. call_789456',
	},
	{
		name: 'audio_url',
		displayName: 'Audio URL',
		kind: 'string',
		description: 'URL of the call recording',
		placeholder: 'e.g. https://example.com/recordings/call_789456.mp3',
	},
	{
		name: 'duration_ms',
		displayName: 'Duration (Ms)',
		kind: 'integer',
		description: 'Duration of the call in milliseconds (a whole number, 0 or more)',
		placeholder: 'e.g. 240000',
	},
	{
		name: 'phone_number_used',
		displayName: 'Phone Number Used',
		kind: 'string',
		description: 'Phone number used for the followup',
		placeholder: 'e.g. +33800123456',
	},
	{
		name: 'direction',
		displayName: 'Direction',
		kind: 'options',
		values: CALL_DIRECTIONS,
		description: 'Call direction',
	},
	{
		name: 'disconnection_reason',
		displayName: 'Disconnection Reason',
		kind: 'string',
		description: 'Reason the call was disconnected',
		placeholder: 'e.g. completed_successfully',
	},
	{
		name: 'is_retry',
		displayName: 'Is Retry',
		kind: 'boolean',
		description: 'Whether this followup is a retry attempt',
	},
];

export const FOLLOWUP_FIELDS: readonly FieldSpec[] = FIELDS.map((field) => ({ ...field, create: 'additional', update: true }));

export const FOLLOWUP: ResourceTable = {
	resource: 'followup',
	noun: 'followup',
	fields: FOLLOWUP_FIELDS,
	autoMapExamples: 'status, call_id, duration_ms',
	simplified: ['id', 'debt_id', 'type', 'status', 'direction', 'scheduled_at', 'call_date', 'summary', 'notes', 'duration_ms'],
	// The followup object of update-followup.md (the same as Get's)
	returned: [
		'id', 'debt_id', 'status', 'type', 'call_date', 'scheduled_at', 'summary', 'notes', 'call_id', 'audio_url', 'pdf_url',
		'duration_ms', 'disconnection_reason', 'direction', 'phone_number_used', 'is_retry', 'processed_at', 'media_urls_expire_at',
	],
	answerTypes: { id: 'string', debt_id: 'string', pdf_url: 'string', processed_at: 'string', media_urls_expire_at: 'string' },
};

export const FOLLOWUP_FIELD_NAMES: readonly string[] = FOLLOWUP_FIELDS.map((f) => f.name);

export function getFollowupField(name: string): FieldSpec | undefined {
	return fieldOf(FOLLOWUP, name);
}

/** The name the editor shows for an option value of a followup field, e.g. "Deal Found" for `deal_found`. */
function optionName(field: string, value: unknown): string | undefined {
	const text = textOf(value);
	return fieldOf(FOLLOWUP, field)?.values?.find((o) => o.value === text)?.name ?? text;
}

/** A date-time as "2024-01-25 10:00" (as GetBill gives it, offset left out). */
function shortDateTime(value: unknown): string | undefined {
	const text = textOf(value);
	const match = text ? /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(text) : null;
	return match ? `${match[1]} ${match[2]}` : text;
}

/** A followup in "From List": type, status and date, e.g. "Call — Deal Found — 2024-01-25 10:00". */
export const FOLLOWUP_ID = idSpec('followup', 'abc123def456', {
	path: '/followups',
	label: (f) =>
		joinLabel(optionName('type', f.type), optionName('status', f.status), shortDateTime(f.scheduled_at ?? f.call_date ?? f.processed_at)),
	searchAlso: ['debt_id', 'summary'],
});
