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
/** A debt as GetBill returns it (debts.md's table). */
export interface Debt {
	id: string;
	civility: string | null;
	firstname: string;
	lastname: string;
	phone: string | null;
	email: string | null;
	birthdate: string | null;
	amount: number;
	amount_text: string;
	currency: string;
	object: string | null;
	internal_id: string | null;
	invoice_reference: string | null;
	debtor_reference: string | null;
	invoice_date: string | null;
	due_date: string | null;
	address: string | null;
	street_address: string | null;
	street_number: string | null;
	postal_code: string | null;
	city: string | null;
	country: string | null;
	status: string;
	timeline_id: string | null;
	nb_reminders: number;
	nb_answered: number;
	summary: string | null;
	iban: string | null;
	followups_count: number;
	company: string | null;
	debtor_company: string | null;
	payment_link: string | null;
	metadata: Record<string, unknown>;
	import_date: string;
	last_timeline_restart: string | null;
	payment_plan_active: boolean;
	plan_start_date: unknown;
	contacts: unknown[];
}
/** What a debt object does not show. */
export interface DebtLinks {
	creditor_id?: string;
	debtor_id?: string;
	/** Set when the debt was created with a timeline_id (default `immediate`) */
	timeline_start_mode?: 'immediate' | 'next_day';
	accept_expensive_destination?: boolean;
	/** The batch that created the debt */
	import_id?: string;
}
export interface DebtImport {
	import_id: string;
	batch_name: string;
	debt_ids: string[];
}
export class GetBillServer {
	constructor(options?: {
		port?: number;
		latencyMs?: number;
		clients?: Client[];
		followupIds?: string[];
		tokenLifetimeSeconds?: number;
		rateLimit?: number;
		/** Timelines of the company: the valid `timeline_id` values */
		timelineIds?: string[];
	});
	readonly url: string;
	latencyMs: number;
	requests: RecordedRequest[];
	tokenRequests: RecordedTokenRequest[];
	faults: Fault[];
	followups: Map<string, Record<string, unknown>>;
	/** IDs of the company's debts: every seeded followup's debt_id, and seedDebt's */
	debts: Set<string>;
	/** Full debt objects by ID; an ID of `debts` without one gets the seed defaults on first use */
	debtRecords: Map<string, Debt>;
	debtLinks: Map<string, DebtLinks>;
	creditors: Map<string, Record<string, unknown>>;
	debtors: Map<string, Record<string, unknown>>;
	timelines: Set<string>;
	imports: Map<string, DebtImport>;
	rateLimit: { limit: number; window: number; used: number };
	inFlight: number;
	maxInFlight: number;
	start(): Promise<string>;
	stop(): Promise<void>;
	reset(): void;
	seedFollowup(id: string, data?: Record<string, unknown>): Record<string, unknown>;
	/**
	 * A debt of the company: Create's defaults (status.default.pending, counters 0, import_date now) with a sample
	 * debtor (John Doe, +33612345678, john.doe@example.com, 1250 EUR), overridden by `data`; `creditor_id` / `debtor_id`
	 * are links for /debts/by-creditor and /debts/by-debtor. Seeding an existing debt applies `data` to it.
	 */
	seedDebt(id: string, data?: Partial<Debt> & { creditor_id?: string; debtor_id?: string } & Record<string, unknown>): Debt;
	/** The live debt object (followups_count kept current), or undefined */
	getDebt(id: string): Debt | undefined;
	getDebtLinks(id: string): DebtLinks | undefined;
	seedCreditor(id: string, data?: Record<string, unknown>): Record<string, unknown>;
	seedDebtor(id: string, data?: Record<string, unknown>): Record<string, unknown>;
	/** Makes `id` a valid timeline_id */
	seedTimeline(id: string): void;
	getFollowup(id: string): Record<string, unknown> | undefined;
	expireAllTokens(): void;
	injectFaults(...faults: Fault[]): void;
	apiRequests(method?: string, pathPrefix?: string): RecordedRequest[];
}
export function validateFollowupBody(body: Record<string, unknown>): Record<string, string[]> | undefined;
/** GetBill's validation of a debt body: `details` per field, or the values to store and the phone's calling code. */
export function validateDebtBody(
	body: Record<string, unknown>,
	mode: 'create' | 'batch' | 'update',
	context?: { timelines?: Set<string>; current?: Partial<Debt> },
): { details: Record<string, string[]> } | { values: Partial<Debt> & { timeline_start_mode?: string }; callingCode?: string };
/** E.164 normalisation: the phone and its calling code, or one of the documented error messages. */
export function normalizePhone(input: string): { phone: string; callingCode: string; error?: undefined } | { error: string; phone?: undefined };
export function validIban(value: string): boolean;
export const DEBT_UPDATE_STATUSES: string[];
export const CURRENCIES: string[];
export const EXPENSIVE_DESTINATIONS: Record<string, { destination: string; credits: number; multiplier: number }>;
/** The validation messages, by rule */
export const DEBT_MESSAGES: Record<string, string>;
export const BATCH_MAX: number;
export const DEFAULT_CLIENT: Client;
export const STATUSES: string[];
export const TYPES: string[];
export const DIRECTIONS: string[];
export const API: string;
export const CLIENT_CREDENTIALS_TOKEN_REQUEST: Pick<RecordedTokenRequest, 'grantType' | 'clientId' | 'scope' | 'credentialsInBody' | 'basicAuth' | 'status'>;
