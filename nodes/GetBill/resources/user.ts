/** The company's users (`../shared/api/users.md`): read only. */
import type { ReadFields } from '../fields/types';

/** What the users list returns; the editor has no Simplify for it, a tool may choose Simplified. */
export const USER: ReadFields = {
	resource: 'user',
	noun: 'user',
	toolSimplified: ['id', 'firstname', 'lastname', 'email', 'is_active'],
	returned: ['id', 'email', 'firstname', 'lastname', 'is_active', 'created_at', 'last_activity'],
	answerTypes: { id: 'string', email: 'string', firstname: 'string', lastname: 'string', is_active: 'boolean', created_at: 'string', last_activity: 'string' },
};
