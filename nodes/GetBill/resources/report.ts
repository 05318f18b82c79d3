/** Reports (`../shared/api/reports.md`): read only, made by GetBill; no writable fields. */
import { idSpec, joinLabel, textOf } from '../fields/ids';
import type { AnswerFields, ReadFields } from '../fields/types';

/** What a report's reads return; the editor has no Simplify for them, a tool may choose Simplified. */
export const REPORT: ReadFields = {
	resource: 'report',
	noun: 'report',
	toolSimplified: ['id', 'title', 'type', 'status', 'period_from', 'period_to', 'filename', 'download_available'],
	returned: [
		'id', 'type', 'title', 'description', 'status', 'filename', 'file_size', 'mime_type', 'period_from', 'period_to',
		'generated_at', 'created_at', 'download_available',
	],
	answerTypes: {
		id: 'string', type: 'string', title: 'string', description: 'string', status: 'string', filename: 'string', file_size: 'integer',
		mime_type: 'string', period_from: 'string', period_to: 'string', generated_at: 'string', created_at: 'string', download_available: 'boolean',
	},
};

/** What Download outputs beside the file: GetBill's download information (`reports.md`) without its signed link (`download_url`). */
export const REPORT_DOWNLOAD: AnswerFields = {
	returned: ['id', 'filename', 'file_size', 'mime_type', 'expires_at'],
	answerTypes: { expires_at: 'string' },
};

/** A report in "From List": its title and period, e.g. "Financial summary January 2024 — 2024-01-01 to 2024-01-31". */
export const REPORT_ID = idSpec('report', 'report_abc123', {
	path: '/reports',
	label: (r) =>
		joinLabel(
			textOf(r.title) ?? textOf(r.type),
			textOf(r.period_from) && textOf(r.period_to) ? `${textOf(r.period_from)} to ${textOf(r.period_to)}` : undefined,
		),
	searchAlso: ['type', 'filename'],
});
