import { companyRead } from './read';

export const { description, kind, prepare } = companyRead('/company/profile', 'get the company profile');
