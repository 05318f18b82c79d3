import type { IExecuteFunctions } from 'n8n-workflow';

import type { QuotaClass, QuotaSnapshot } from '../../transport/quota';
import { Quota } from '../../transport/quota';
import { nodeContext } from './store';

/** Key in the node's execution context. */
const QUOTA_KEY = 'getBillQuotas';

/**
 * GetBill's read and write quotas as an earlier try or run of this execution
 * left them (still spent, or unknown), so that no write goes into a quota
 * GetBill's answers already said is spent.
 */
export function keptQuotas(ctx: IExecuteFunctions): Record<QuotaClass, Quota> {
	const kept = (nodeContext(ctx)?.[QUOTA_KEY] ?? {}) as Partial<Record<QuotaClass, QuotaSnapshot>>;
	return { read: new Quota(kept.read), write: new Quota(kept.write) };
}

/** Keeps what the node knows of the quotas for the next try or run (a few numbers), however the run ends. */
export function keepQuotas(ctx: IExecuteFunctions, quotas: Record<QuotaClass, Quota>): void {
	const store = nodeContext(ctx);
	if (!store) return;
	const kept: Partial<Record<QuotaClass, QuotaSnapshot>> = {};
	for (const cls of ['read', 'write'] as const) {
		const snapshot = quotas[cls].snapshot();
		if (snapshot) kept[cls] = snapshot;
	}
	if (Object.keys(kept).length) store[QUOTA_KEY] = kept;
	else delete store[QUOTA_KEY];
}
