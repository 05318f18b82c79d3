import { companyRead } from './read';

export const { description, safeToRepeat, prepare } = companyRead('/company/credits', 'get the company credits');
