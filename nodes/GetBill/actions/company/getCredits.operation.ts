import { companyRead } from './read';

export const { description, kind, prepare } = companyRead('/company/credits', 'get the company credits');
