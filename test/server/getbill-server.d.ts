/* Types for getbill-server.js (plain JS so that node scripts can run it too). */
export interface RecordedRequest {
	method: string;
	path: string;
	rawPath: string;
	query: Record<string, string>;
	headers: { authorization?: string; 'content-type'?: string; accept?: string };
	rawBody: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	status: number;
	token?: string;
	fault?: number | 'drop';
	/** When the request arrived and when its answer was sent (ms since epoch) */
	startedAt: number;
	endedAt?: number;
}
export interface RecordedTokenRequest {
	grantType: string | null;
	clientId: string | null;
	scope: string | null;
	credentialsInBody: boolean;
	basicAuth: boolean;
	contentType?: string;
	status: number;
	issued?: string;
}
export interface Fault {
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	drop?: boolean;
	match?: (request: RecordedRequest) => boolean;
}
export interface Client {
	clientId: string;
	clientSecret: string;
	scopes: string[];
}
export class GetBillServer {
	constructor(options?: { port?: number; latencyMs?: number; clients?: Client[]; followupIds?: string[]; tokenLifetimeSeconds?: number; rateLimit?: number });
	readonly url: string;
	latencyMs: number;
	requests: RecordedRequest[];
	tokenRequests: RecordedTokenRequest[];
	faults: Fault[];
	followups: Map<string, Record<string, unknown>>;
	/** IDs of the company's debts: every seeded followup's debt_id, and seedDebt's */
	debts: Set<string>;
	rateLimit: { limit: number; window: number; used: number };
	inFlight: number;
	maxInFlight: number;
	start(): Promise<string>;
	stop(): Promise<void>;
	reset(): void;
	seedFollowup(id: string, data?: Record<string, unknown>): Record<string, unknown>;
	seedDebt(id: string): void;
	getFollowup(id: string): Record<string, unknown> | undefined;
	expireAllTokens(): void;
	injectFaults(...faults: Fault[]): void;
	apiRequests(method?: string, pathPrefix?: string): RecordedRequest[];
}
export function validateFollowupBody(body: Record<string, unknown>): Record<string, string[]> | undefined;
export const DEFAULT_CLIENT: Client;
export const STATUSES: string[];
export const TYPES: string[];
export const DIRECTIONS: string[];
export const API: string;
export const CLIENT_CREDENTIALS_TOKEN_REQUEST: Pick<RecordedTokenRequest, 'grantType' | 'clientId' | 'scope' | 'credentialsInBody' | 'basicAuth' | 'status'>;
