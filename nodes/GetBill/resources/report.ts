/** Reports (`../shared/api/reports.md`): read only, made by GetBill; no writable fields. */
import { idSpec } from '../fields/ids';

export const REPORT_ID = idSpec('report', 'report_abc123');
