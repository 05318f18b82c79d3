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
	/** The quota the request was counted against and what it left (absent when not counted: 401, 429, injected faults) */
	quota?: { kind: QuotaKind; remaining: number };
	/** When the request arrived and when its answer was sent (ms since epoch) */
	startedAt: number;
	endedAt?: number;
	// -- issue #31, deadlines (brief B) --
	/** Its answer was held back (a Stall, see stallAnswers) */
	stalled?: boolean;
	// -- end of issue #31, deadlines (brief B) --
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
/** The request classes of GetBill's rate limits: writes are POST, PUT, PATCH and DELETE; reads the rest (GET). */
export type QuotaKind = 'writes' | 'reads';
/** A quota's limit and sliding window, the same for every client */
export interface QuotaLimits {
	/** Requests allowed per client within the window (GetBill: writes 500, reads 1000) */
	limit: number;
	/** The sliding window in seconds (GetBill: 3600) */
	windowSeconds: number;
}
export interface QuotaSettings extends Partial<QuotaLimits> {
	/** That many requests already counted for the client (replaces its window) */
	used?: number;
}
/** A client's quota of a class right now (quotaState). */
export interface QuotaState extends QuotaLimits {
	/** Requests counted in the window */
	count: number;
	/** max(0, limit - count) */
	remaining: number;
	/** When the oldest counted request leaves the window (ms since epoch); now + window when none is counted */
	resetAt: number;
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
/** A debtor (debtors.md): camelCase; the totals only on Get and Update. */
export interface Debtor {
	id: string;
	firstName: string;
	lastName: string;
	email: string | null;
	phone: string | null;
	address: string | null;
	/** YYYY-MM-DD */
	dateOfBirth: string | null;
	/** `YYYY-MM-DD HH:MM:SS`, no timezone */
	firstSeenAt: string;
	lastSeenAt: string;
	lastUpdatedAt: string;
	totalDebtAmount?: number;
	totalPaidAmount?: number;
	averageRepaymentScore?: number;
	debtsCount?: number;
}
/** A creditor (creditors.md): camelCase; the totals only on Get. */
export interface Creditor {
	id: string;
	name: string | null;
	email: string | null;
	phone: string | null;
	address: string | null;
	city: string | null;
	postalCode: string | null;
	country: string | null;
	registrationNumber: string | null;
	taxNumber: string | null;
	contactPerson: string | null;
	/** `YYYY-MM-DD HH:MM:SS`, no timezone */
	createdAt: string;
	updatedAt: string;
	totalDebts?: number;
	totalAmount?: number;
}
/** A report (reports.md). */
export interface Report {
	id: string;
	type: string;
	title: string;
	description: string;
	status: string;
	filename: string;
	file_size: number;
	mime_type: string;
	/** YYYY-MM-DD */
	period_from: string;
	period_to: string;
	/** ISO 8601 with Z */
	generated_at: string;
	created_at: string;
	download_available: boolean;
}
/** Test hooks of a report's download (setReportDownload). */
export interface ReportDownloadHooks {
	/** The file host answers this status (e.g. 404) instead of the file; the link stays unused */
	fileStatus?: number;
	/** The file host answers 200 with no bytes */
	emptyBody?: boolean;
	/** Given as `download_url` verbatim (e.g. `ftp://…`); no link is issued */
	downloadUrl?: string;
	/** The file host answers a valid link with a redirect to this URL, verbatim in `Location` (absolute or relative); the link stays unused */
	redirectTo?: string;
	/** The file host answers a valid link this many times with a redirect to the same link (relative `Location`, `hop=1…n` in the query), then serves the file */
	redirects?: number;
	/** The status of those redirects (default 302) */
	redirectStatus?: number;
	// -- issue #31, report download (brief A): a file host that misbehaves --
	/** The first `times` (default 1) valid requests get `status` (default 503), or a closed connection with `reset`; the link stays unused */
	failFirst?: { times?: number; status?: number; reset?: boolean };
	/** Content-Type instead of the report's mime_type */
	contentType?: string;
	/** Content-Disposition verbatim */
	contentDisposition?: string;
	/** These bytes instead of the file */
	body?: string | Buffer;
	/** No Content-Length (chunked) */
	noContentLength?: boolean;
	/** Content-Length of the whole body, this many bytes, then the connection is closed */
	cutAfter?: number;
	/** The headers and this many bytes, then nothing */
	stallAfter?: number;
	/** Nothing at all, not even the headers */
	stallHeaders?: boolean;
	/** This many bytes of GetBillServer.generatedReport(size), streamed (seed the report with file_size: size) */
	generated?: number;
	// -- end of issue #31, report download (brief A) --
}
export interface DownloadLink {
	reportId: string;
	/** Unix seconds, as in the link's `expires` */
	expires: number;
	/** ms since epoch; expireDownloadLinks() sets it to 0 */
	expiresAt: number;
	signature: string;
	used: boolean;
}
/** A request the report file host got. */
export interface RecordedFileRequest {
	method: string;
	/** The path without the query */
	path: string;
	/** The path with the query, as sent */
	rawUrl: string;
	query: Record<string, string>;
	/** Every header, as Node parsed them (lower-case names) */
	headers: Record<string, string | string[] | undefined>;
	status: number;
	/** The `Location` of a redirect the file host answered (redirectTo, redirects) */
	location?: string;
	/** The report of the link, when the token was known */
	reportId?: string;
	startedAt: number;
	endedAt?: number;
}
/** A user of the company (users.md). */
export interface CompanyUser {
	id: string;
	email: string;
	firstname: string;
	lastname: string;
	is_active: boolean;
	/** ISO 8601 with Z */
	created_at: string;
	last_activity: string | null;
}
/** GET /company/profile's data (company.md). */
export interface CompanyProfile {
	id: string;
	name: string;
	email: string;
	phone: string;
	/** ISO 8601 with +00:00 */
	created_at: string;
}
/** GET /company/credits's data (company.md). */
export interface Credits {
	current_credits: number;
	subscription: { plan: string; status: string; expires_at: string } | null;
}
export class GetBillServer {
	constructor(options?: {
		port?: number;
		latencyMs?: number;
		clients?: Client[];
		followupIds?: string[];
		tokenLifetimeSeconds?: number;
		/** The writes limit (as quota.writes.limit, which wins if both are given) */
		rateLimit?: number;
		/**
		 * The sliding-window quotas per OAuth client (default: writes 500, reads 1000, window 3600 s); the limits and windows
		 * apply to every client, `used` counts that many requests for DEFAULT_CLIENT now (again after each reset()).
		 */
		quota?: { writes?: QuotaSettings; reads?: QuotaSettings };
		/** Timelines of the company: the valid `timeline_id` values */
		timelineIds?: string[];
		/** Port of the report file host (default 0: a free port) */
		fileHostPort?: number;
		/** Lifetime of a report download link (default 3600) */
		downloadLinkLifetimeSeconds?: number;
		/**
		 * How far GetBill's clock is ahead of the real time, in ms (negative: behind; default 0). Every time the server
		 * announces (the Date header of every API and token answer, X-RateLimit-Reset, a 429's details.reset_time) is real
		 * time + offset; its quota windows keep counting on real time.
		 */
		clockOffsetMs?: number;
	});
	readonly url: string;
	/** Base URL of the report file host (a second server on 127.0.0.1, started and stopped with this one) */
	readonly fileHostUrl: string;
	latencyMs: number;
	/** GetBill's clock offset (ms) in what it announces; may be changed by a test, reset() puts back the constructor's */
	clockOffsetMs: number;
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
	reports: Map<string, Report>;
	/** Report files by report ID */
	reportFiles: Map<string, Buffer>;
	reportDownloadHooks: Map<string, ReportDownloadHooks>;
	/** Issued download links by token */
	downloadLinks: Map<string, DownloadLink>;
	downloadLinkLifetimeSeconds: number;
	/** Every request the report file host got (cleared by reset) */
	fileRequests: RecordedFileRequest[];
	company: CompanyProfile;
	credits: Credits;
	users: Map<string, CompanyUser>;
	/** The current limit and window of each class (setQuota changes them, reset restores the constructor's) */
	quotas: Record<QuotaKind, QuotaLimits>;
	/**
	 * @deprecated the writes quota in the shape of the old single counter: a frozen snapshot, `used` = writes counted
	 * in the window by all clients together. Use quotaState / setQuota.
	 */
	readonly rateLimit: Readonly<{ limit: number; window: number; used: number }>;
	inFlight: number;
	maxInFlight: number;
	start(): Promise<string>;
	stop(): Promise<void>;
	/** Clears the records, faults and every quota window, and restores the constructor's quotas and clock offset. */
	reset(): void;
	/**
	 * Changes a quota: `limit` / `windowSeconds` for every client; `used` replaces `clientId`'s window (default
	 * DEFAULT_CLIENT's) with that many counted requests stamped `usedAgoSeconds` (default 0) before now.
	 */
	setQuota(kind: QuotaKind, settings?: QuotaSettings & { usedAgoSeconds?: number }, clientId?: string): void;
	/** A client's quota (default DEFAULT_CLIENT's; null: a fresh one, nothing counted) as of `now` (ms, default now). */
	quotaState(kind: QuotaKind, clientId?: string | null, now?: number): QuotaState;
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
	/**
	 * A report: defaults are the docs' example (financial, "Monthly Financial Summary", completed,
	 * financial_summary_2024_01.pdf, application/pdf, 2024-01-01..2024-01-31, generated/created 2024-02-01T09:30:00Z,
	 * download_available true), overridden by `data`. `content` is the file (default: a small PDF-like text);
	 * `file_size` defaults to its length. Replaces a report of the same ID.
	 */
	seedReport(id: string, data?: (Partial<Report> & { content?: Buffer | string }) | Record<string, unknown>): Report;
	/** Download test hooks for a report (replace earlier ones; `{}` clears them) */
	setReportDownload(id: string, hooks?: ReportDownloadHooks): void;
	/** Every issued download link becomes expired (403 at the file host) */
	expireDownloadLinks(): void;
	/** A user of the company: defaults John Doe, john.doe@example.com, active, created 2023-01-15T10:30:00Z, last activity 2024-01-15T14:30:00Z */
	seedUser(id: string, data?: Partial<CompanyUser> | Record<string, unknown>): CompanyUser;
	/** Merges into the company profile; returns it */
	setCompany(data?: Partial<CompanyProfile> | Record<string, unknown>): CompanyProfile;
	/** Merges into the credits (`subscription` merged too; null removes it); returns them */
	setCredits(data?: { current_credits?: number; subscription?: Partial<NonNullable<Credits['subscription']>> | null } | Record<string, unknown>): Credits;
	getFollowup(id: string): Record<string, unknown> | undefined;
	expireAllTokens(): void;
	injectFaults(...faults: Fault[]): void;
	apiRequests(method?: string, pathPrefix?: string): RecordedRequest[];
	// -- issue #31, deadlines (brief B) --
	/** Stalls not used yet */
	stalls?: Stall[];
	/** Queues stalls for the next API requests (not token requests), in order, each used once; reset() empties them */
	stallAnswers(...stalls: Stall[]): void;
	// -- end of issue #31, deadlines (brief B) --
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
/** Every scope the token endpoint knows */
export const SCOPES: string[];
/** The messages of the debtor, creditor and report endpoints, by rule */
export const REST_MESSAGES: {
	debtorNotFound: string;
	debtorUpdated: string;
	dateOfBirth: string;
	creditorNotFound: string;
	creditorUpdated: string;
	creditorEmail: string;
	creditorString: string;
	creditorUnknown: string;
	reportNotFound: string;
	reportNotDownloadable: string;
	reportDownload: string;
};
export const DEFAULT_COMPANY: CompanyProfile;
export const DEFAULT_CREDITS: Credits;
export const DEFAULT_CLIENT: Client;
/** GetBill's quotas: writes 500 and reads 1000 per client per 3600 s */
export const QUOTA_DEFAULTS: Readonly<Record<QuotaKind, Readonly<QuotaLimits>>>;
/** The methods counted as writes: POST, PUT, PATCH, DELETE */
export const WRITE_METHODS: string[];
/** The 429's message: 'Rate limit exceeded. Please try again later.' */
export const RATE_LIMIT_MESSAGE: string;
/** The quota a request of this method counts against */
export function quotaKind(method: string): QuotaKind;
export const STATUSES: string[];
export const TYPES: string[];
export const DIRECTIONS: string[];
export const API: string;
export const CLIENT_CREDENTIALS_TOKEN_REQUEST: Pick<RecordedTokenRequest, 'grantType' | 'clientId' | 'scope' | 'credentialsInBody' | 'basicAuth' | 'status'>;

// ==== Issue #31, deadlines (brief B): API answers that stall (see stallAnswers in getbill-server.js) ====
/** How an API answer is held back: the request is handled as usual, its answer sent late or never. */
export interface Stall {
	/** Send the status line and headers, then `bodyBytes` bytes of the body (default: send nothing at all) */
	headers?: boolean;
	/** With `headers`: how many bytes of the body go before the stall (default 1) */
	bodyBytes?: number;
	/** Send the rest of the answer this long after it was ready (default: never) */
	releaseAfterMs?: number;
	/** Only for requests it returns true for */
	match?: (request: { method: string; path: string }) => boolean;
}
// ==== end of issue #31, deadlines (brief B) ====

// ==== Issue #31, report download (brief A): a file host that misbehaves (see the section in getbill-server.js) ====
export namespace GetBillServer {
	/** The chunks of a generated report of `size` bytes (a PDF header, then a fixed 64 KiB block repeated) */
	function generatedReport(size: number): Generator<Buffer>;
}
// ==== end of issue #31, report download (brief A) ====
