import { companyRead } from './read';

export const { description, safeToRepeat, prepare } = companyRead('/company/profile', 'get the company profile');
