'use strict';

/** GetBill webhook events as GetBill sends them, for the trigger suites. */

const crypto = require('crypto');

/** The webhook secret of the suites' "GetBill Webhook API" credentials. */
const SECRET = 'whsec_test_e2e_7d1c4b9a2f6e';

/** X-GetBill-Signature: hex HMAC-SHA256 of the raw body. */
const sign = (body, secret = SECRET) => crypto.createHmac('sha256', secret).update(body).digest('hex');

/** Pretty-printed, non-ASCII: n8n parses it, so only the raw bytes carry this signature. */
const FOLLOWUP_COMPLETED = JSON.stringify(
	{
		type: 'followup.completed',
		data: {
			id: 'hTBN7n6lkmkhMb6LYqEBZw',
			debt_id: 'abc123def456',
			status: 'deal_found',
			summary: 'Zoë a accepté un échéancier de 500 €',
			duration_ms: 180000,
		},
		changes: { status: { old: 'in_progress', new: 'deal_found' } },
		created_at: '2024-01-25T10:15:00Z',
	},
	null,
	2,
);

module.exports = { SECRET, sign, FOLLOWUP_COMPLETED };
