/** The company of the OAuth client (`../shared/api/company.md`): read only, no writable fields. */
import type { AnswerFields } from '../fields/types';

/** What Get Profile returns. */
export const COMPANY_PROFILE: AnswerFields = {
	returned: ['id', 'name', 'email', 'phone', 'created_at'],
	answerTypes: { id: 'string', name: 'string', email: 'string', phone: 'string', created_at: 'string' },
};

/** What Get Credits returns: the balance and the subscription. */
export const COMPANY_CREDITS: AnswerFields = {
	returned: ['current_credits', 'subscription'],
	answerTypes: { current_credits: 'integer', subscription: { plan: 'string', status: 'string', expires_at: 'string' } },
};
