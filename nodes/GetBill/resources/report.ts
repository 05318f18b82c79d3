/** Reports (`../shared/api/reports.md`): read only, made by GetBill; no writable fields. */
import { idSpec, joinLabel, textOf } from '../fields/ids';
import type { ReadFields } from '../fields/types';

/** What a report's reads return; the editor has no Simplify for them, a tool may choose Simplified. */
export const REPORT: ReadFields = {
	resource: 'report',
	noun: 'report',
	toolSimplified: ['id', 'title', 'type', 'status', 'period_from', 'period_to', 'filename', 'download_available'],
	returned: [
		'id', 'type', 'title', 'description', 'status', 'filename', 'file_size', 'mime_type', 'period_from', 'period_to',
		'generated_at', 'created_at', 'download_available',
	],
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
