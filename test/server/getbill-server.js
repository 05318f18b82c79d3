'use strict';
/**
 * A GetBill-like HTTP server for tests, the e2e suite and `npm run dev`.
 *
 * It follows GetBill's documentation (../shared/api): OAuth2 token endpoint
 * with client credentials in the form body and scopes, the followup endpoints
 * with GetBill's validation and error shape, rate-limit headers. It records
 * what it receives (never a client secret) and can inject faults.
 * Rate limits as documented: per OAuth client, two sliding windows (writes:
 * POST/PUT/PATCH/DELETE, 500 per hour; reads: GET, 1,000 per hour), checked in
 * one place for every authenticated request, with the four X-RateLimit-*
 * headers on every API answer and GetBill's 429 body past a limit.
 * Besides followups and debts it serves debtors, creditors, reports (with a
 * separate signed-URL file host for downloads), the company profile and
 * credits, and the company's users, each as documented in ../shared/api.
 * Listens on 127.0.0.1 only.
 */
const http = require('http');
const crypto = require('crypto');

const API = '/external-api/v1';
const STATUSES = ['on_hold', 'scheduled', 'in_progress', 'sent', 'delivered', 'deal_found', 'no_answer', 'deal_not_found', 'bad_behavior', 'failed', 'cancelled'];
const TYPES = ['call', 'sms', 'email', 'whatsapp', 'voicemail', 'manual_call', 'physical', 'postmail'];
const DIRECTIONS = ['inbound', 'outbound'];
const SCOPES = [
	'debts:read', 'debts:write', 'followups:read', 'followups:write', 'reports:read', 'company:read', 'users:read', 'webhooks:read',
	'debtors:read', 'debtors:write', 'creditors:read', 'creditors:write',
];
const STRING_FIELDS = ['summary', 'notes', 'call_id', 'audio_url', 'phone_number_used', 'disconnection_reason'];
const WRITABLE = ['status', 'type', 'call_date', 'scheduled_at', ...STRING_FIELDS, 'duration_ms', 'direction', 'is_retry'];
// ISO 8601 date-time with seconds and an optional fraction; offset optional (GetBill reads none as UTC)
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

// --- Debts ----------------------------------------------------------------------
const DEBT_PENDING = 'status.default.pending';
/** The only statuses Update may set (debts.md "Status values"). */
const DEBT_UPDATE_STATUSES = ['status.default.paid', 'status.default.in_progress', 'status.default.on_hold', 'status.default.failed', 'status.default.archived'];
/** Optional free-text string fields, the same on Create and Update. */
const DEBT_TEXT_FIELDS = ['object', 'internal_id', 'invoice_reference', 'debtor_reference', 'address', 'company', 'debtor_company', 'street_address', 'street_number', 'postal_code', 'city'];
const DEBT_DATE_FIELDS = ['birthdate', 'invoice_date', 'due_date'];
/** Body fields of Create (and of each Batch item, plus temp_id). */
const DEBT_CREATE_FIELDS = [
	'firstname', 'lastname', 'civility', 'phone', 'email', 'amount', 'currency', ...DEBT_DATE_FIELDS, ...DEBT_TEXT_FIELDS,
	'iban', 'country', 'payment_link', 'timeline_id', 'timeline_start_mode', 'metadata', 'accept_expensive_destination',
];
/** Body fields of Update: no timeline_start_mode nor accept_expensive_destination, plus status. */
const DEBT_UPDATE_FIELDS = [
	'firstname', 'lastname', 'civility', 'phone', 'email', 'amount', 'currency', ...DEBT_DATE_FIELDS, ...DEBT_TEXT_FIELDS,
	'iban', 'country', 'payment_link', 'timeline_id', 'metadata', 'status',
];
const BATCH_FIELDS = ['batch_name', 'accept_expensive_destination', 'debts'];
const BATCH_MAX = 1000;
const TIMELINE_START_MODES = ['immediate', 'next_day'];
/** ISO 4217 codes this GetBill accepts (uppercase only). */
const CURRENCIES = [
	'EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'NZD', 'JPY', 'CNY', 'HKD', 'SGD', 'INR', 'SEK', 'NOK', 'DKK', 'ISK', 'PLN', 'CZK', 'HUF',
	'RON', 'BGN', 'TRY', 'ILS', 'AED', 'SAR', 'QAR', 'ZAR', 'BRL', 'MXN', 'MAD', 'DZD', 'TND', 'XOF', 'XAF', 'XPF', 'MUR', 'KMF',
];
/** ISO 3166-1 alpha-2 */
const COUNTRIES = (
	'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG ' +
	'CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM ' +
	'GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC ' +
	'LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ ' +
	'OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC ' +
	'TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');
/** Country names Update accepts besides codes: English and French names, compared without case or accents. */
const foldName = (name) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
const COUNTRY_NAMES = new Set(
	['en', 'fr'].flatMap((locale) => {
		const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
		return COUNTRIES.map((code) => names.of(code)).filter(Boolean).map(foldName);
	}),
);
/** Country calling codes (ITU E.164 assignments); prefix-free, so the first match wins. */
const CALLING_CODES = new Set(
	(
		'1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 ' +
		'94 95 98 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 ' +
		'245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 ' +
		'353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 ' +
		'504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 ' +
		'688 689 690 691 692 850 852 853 855 856 880 886 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 ' +
		'995 996 998'
	).split(' '),
);
/** Length [min, max] of the national significant number for known calling codes (no trunk 0 allowed after them). */
const NATIONAL_LENGTHS = {
	1: [10, 10], 31: [9, 9], 32: [8, 9], 33: [9, 9], 34: [9, 9], 41: [9, 9], 43: [4, 13], 44: [9, 10], 49: [6, 13], 212: [9, 9],
	213: [8, 9], 216: [8, 8], 262: [9, 9], 269: [7, 7], 351: [9, 9], 352: [4, 11], 353: [7, 9], 377: [8, 9], 590: [9, 9],
	594: [9, 9], 596: [9, 9], 687: [6, 6], 689: [8, 8],
};
/** Costly destinations: a phone there needs accept_expensive_destination (debts.md cost table). */
const DOM_TOM = { credits: 100, multiplier: 4.0 };
const MAGHREB = { credits: 125, multiplier: 5.0 };
const EXPENSIVE_DESTINATIONS = {
	262: { destination: 'Réunion', ...DOM_TOM },
	590: { destination: 'Guadeloupe', ...DOM_TOM },
	594: { destination: 'French Guiana', ...DOM_TOM },
	596: { destination: 'Martinique', ...DOM_TOM },
	269: { destination: 'Mayotte', ...DOM_TOM },
	687: { destination: 'New Caledonia', ...DOM_TOM },
	689: { destination: 'French Polynesia', ...DOM_TOM },
	212: { destination: 'Morocco', ...MAGHREB },
	213: { destination: 'Algeria', ...MAGHREB },
	216: { destination: 'Tunisia', ...MAGHREB },
};
const IBAN_LENGTHS = {
	AD: 24, AE: 23, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, DZ: 26, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22,
	GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MA: 28, MC: 27, MT: 31, NL: 18, NO: 15,
	PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26,
};
// Symfony's html5 email pattern
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;
const DEBT_MESSAGES = {
	unknown: 'Unknown field',
	string: 'must be a string',
	firstname: 'First name is required',
	lastname: 'Last name is required',
	amount: 'Valid amount is required',
	currencyRequired: 'Currency is required',
	currency: 'Currency must be an uppercase ISO 4217 code supported by Getbill (e.g. EUR, USD)',
	contact: 'Phone number or email is required',
	email: 'Invalid email format',
	civility: 'Civility must be Mr or Ms',
	iban: 'Invalid IBAN',
	countryCreate: 'Country must be an ISO 3166-1 alpha-2 code in uppercase (e.g. FR)',
	countryUpdate: 'Country must be an ISO 3166-1 alpha-2 code or a country name',
	dateCreate: 'Invalid date format: expected YYYY-MM-DD',
	dateUpdate: 'Invalid date: expected YYYY-MM-DD or an ISO 8601 date-time',
	paymentLink: 'Payment link must be a valid http(s) URL',
	timelineStartMode: 'timeline_start_mode must be immediate or next_day',
	timelineStartModeAlone: 'timeline_start_mode can only be used with timeline_id',
	timeline: 'Timeline not found: timeline_id must be the API ID of one of your company\'s timelines',
	metadata: 'Metadata must be a JSON object',
	boolean: 'must be a boolean',
	statusOnCreate: 'Status cannot be set on creation',
	status: `Status must be one of ${DEBT_UPDATE_STATUSES.join(', ')}`,
	tempIdRequired: 'temp_id is required',
	overseas: 'French overseas mobile numbers (069X prefix) are not supported; use email instead',
	phoneTooShort: 'phone number too short',
	phoneTooLong: 'phone number too long',
	phoneCountryCode: 'invalid country code',
	phoneFormat: 'number format is not valid',
	phoneNotRegistered: 'number not registered in carrier database',
};

// --- Debtors, creditors, reports, company ----------------------------------------
/** The debtor object's fields (debtors.md), in its order; the totals are on Get and Update only. */
const DEBTOR_FIELDS = ['id', 'firstName', 'lastName', 'email', 'phone', 'address', 'dateOfBirth', 'firstSeenAt', 'lastSeenAt', 'lastUpdatedAt'];
const DEBTOR_TOTALS = ['totalDebtAmount', 'totalPaidAmount', 'averageRepaymentScore', 'debtsCount'];
/** Body fields of Update debtor (camelCase); firstName/lastName must be strings, the others may be null (cleared). */
const DEBTOR_UPDATE_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'address', 'dateOfBirth'];
const DEBTOR_NULLABLE = ['email', 'phone', 'address', 'dateOfBirth'];
/** averageRepaymentScore when a debtor's seed gives none (its scale is unknown; debtors.md's example is 65). */
const DEFAULT_REPAYMENT_SCORE = 65;
/** The creditor object's fields (creditors.md), in its order; the totals are on Get only. */
const CREDITOR_FIELDS = [
	'id', 'name', 'email', 'phone', 'address', 'city', 'postalCode', 'country', 'registrationNumber', 'taxNumber', 'contactPerson', 'createdAt', 'updatedAt',
];
const CREDITOR_TOTALS = ['totalDebts', 'totalAmount'];
/** Body fields of Update creditor (PUT and PATCH). */
const CREDITOR_UPDATE_FIELDS = ['name', 'email', 'phone', 'address', 'city', 'postalCode', 'country', 'registrationNumber', 'taxNumber', 'contactPerson'];
const REPORT_FIELDS = [
	'id', 'type', 'title', 'description', 'status', 'filename', 'file_size', 'mime_type', 'period_from', 'period_to', 'generated_at', 'created_at',
	'download_available',
];
const USER_FIELDS = ['id', 'email', 'firstname', 'lastname', 'is_active', 'created_at', 'last_activity'];
/** The documented example profile (company.md); name, email and phone are not in the docs' stored copy. */
const DEFAULT_COMPANY = { id: 'hTBN7n6lkmkhMb6LYqEBZw', name: 'Acme Recouvrement', email: 'contact@acme.example.com', phone: '+33123456789', created_at: '2023-01-15T10:30:00+00:00' };
/** The documented example balance (company.md). */
const DEFAULT_CREDITS = { current_credits: 847, subscription: { plan: 'Professional', status: 'active', expires_at: '2024-02-15T23:59:59Z' } };
const REST_MESSAGES = {
	debtorNotFound: 'Debtor not found',
	debtorUpdated: 'Debtor updated successfully',
	dateOfBirth: 'Invalid dateOfBirth format. Use YYYY-MM-DD',
	creditorNotFound: 'Creditor not found',
	creditorUpdated: 'Creditor updated successfully',
	// Symfony's validator messages, as in creditors.md's `errors` example
	creditorEmail: 'This value is not a valid email address.',
	creditorString: 'This value should be of type string.',
	creditorUnknown: 'This field was not expected.',
	reportNotFound: 'Report not found',
	reportNotDownloadable: 'Report is not available for download',
	reportDownload: 'Report download information retrieved',
};

const DEFAULT_CLIENT = { clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: ['followups:read', 'followups:write'] };
/** The token request GetBill expects from the credential's defaults: client credentials in the form body, both scopes. */
const CLIENT_CREDENTIALS_TOKEN_REQUEST = {
	grantType: 'client_credentials',
	clientId: DEFAULT_CLIENT.clientId,
	scope: 'followups:read followups:write',
	credentialsInBody: true,
	basicAuth: false,
	status: 200,
};

// --- Rate limits (getbill-api.md "Rate limits") --------------------------------------
/** The quota of each request class: requests allowed per client within a sliding window of `windowSeconds`. */
const QUOTA_DEFAULTS = Object.freeze({ writes: Object.freeze({ limit: 500, windowSeconds: 3600 }), reads: Object.freeze({ limit: 1000, windowSeconds: 3600 }) });
const QUOTA_KINDS = ['writes', 'reads'];
/** Methods counted as writes (create, update, delete); every other method counts as a read. */
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
const RATE_LIMIT_MESSAGE = 'Rate limit exceeded. Please try again later.';

/** 'writes' or 'reads': the quota a request of this method counts against. */
function quotaKind(method) {
	return WRITE_METHODS.includes(String(method).toUpperCase()) ? 'writes' : 'reads';
}

function checkClockOffset(ms) {
	if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`clockOffsetMs must be a finite number of ms, got ${ms}`);
}

function checkQuotaKind(kind) {
	if (!QUOTA_KINDS.includes(kind)) throw new TypeError(`Unknown quota "${kind}" (expected ${QUOTA_KINDS.join(' or ')})`);
}

/** A quota setting: `limit` (whole, >= 0) and `windowSeconds` (> 0) checked; undefined keeps `base`'s. */
function quotaSettings(base, change = {}, what = 'quota') {
	const limit = change.limit ?? base.limit;
	const windowSeconds = change.windowSeconds ?? base.windowSeconds;
	if (!Number.isInteger(limit) || limit < 0) throw new TypeError(`${what}: limit must be a whole number >= 0, got ${limit}`);
	if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0) {
		throw new TypeError(`${what}: windowSeconds must be a number > 0, got ${windowSeconds}`);
	}
	return { limit, windowSeconds };
}

function checkUsed(used, what) {
	if (!Number.isInteger(used) || used < 0) throw new TypeError(`${what}: used must be a whole number >= 0, got ${used}`);
}

/** ISO 8601 UTC with `Z`, no milliseconds (GetBill's reset_time) */
function isoSeconds(ms) {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toOffsetIso(value) {
	const date = new Date(value);
	return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function baseFollowup(id) {
	return {
		id,
		debt_id: `debt_${id}`,
		status: 'scheduled',
		type: 'call',
		call_date: null,
		scheduled_at: '2024-01-25T10:00:00+00:00',
		summary: null,
		notes: null,
		call_id: null,
		audio_url: null,
		pdf_url: null,
		duration_ms: null,
		disconnection_reason: null,
		direction: 'outbound',
		phone_number_used: null,
		is_retry: false,
		processed_at: null,
		media_urls_expire_at: null,
	};
}

class GetBillServer {
	/**
	 * @param {object} [options]
	 * @param {number} [options.port] 0 picks a free port
	 * @param {number} [options.latencyMs] delay before every answer
	 * @param {Array<{clientId:string,clientSecret:string,scopes:string[]}>} [options.clients]
	 * @param {string[]} [options.followupIds] followups that exist from the start
	 * @param {number} [options.tokenLifetimeSeconds]
	 * @param {number} [options.rateLimit] the writes limit (same as `quota.writes.limit`, which wins if both are given)
	 * @param {{writes?: {limit?: number, windowSeconds?: number, used?: number}, reads?: {limit?: number, windowSeconds?: number, used?: number}}} [options.quota]
	 *   the sliding-window quotas per OAuth client (GetBill: writes 500, reads 1000, window 3600 s). The limits and windows apply
	 *   to every client; `used` is that many requests already counted, now, for DEFAULT_CLIENT (again after each `reset()`).
	 * @param {string[]} [options.timelineIds] timelines of the company (valid `timeline_id` values)
	 * @param {number} [options.fileHostPort] port of the report file host (0, the default, picks a free port)
	 * @param {number} [options.downloadLinkLifetimeSeconds] how long a report download link stays valid (GetBill: 1 hour)
	 * @param {number} [options.clockOffsetMs] how far GetBill's clock is ahead of the real time (ms; negative: behind). Every
	 *   time it announces (the Date header of every API and token answer, X-RateLimit-Reset, a 429's reset_time) is real
	 *   time + offset; its windows keep counting on real time. Default 0; reset() puts back this value.
	 */
	constructor(options = {}) {
		this.port = options.port ?? 0;
		this.latencyMs = options.latencyMs ?? 0;
		this.initialClockOffsetMs = options.clockOffsetMs ?? 0;
		checkClockOffset(this.initialClockOffsetMs);
		/** How far GetBill's clock is ahead of the real time (ms), in what it announces only */
		this.clockOffsetMs = this.initialClockOffsetMs;
		this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
		this.clients = new Map((options.clients ?? [DEFAULT_CLIENT]).map((c) => [c.clientId, c]));
		this.followups = new Map();
		/** IDs of the company's debts (every seeded followup's debt_id, and seedDebt) */
		this.debts = new Set();
		/** Full debt objects by ID (made with the defaults of baseDebt for an ID of `debts` that has none yet) */
		this.debtRecords = new Map();
		/** What a debt object does not show: {creditor_id, debtor_id, timeline_start_mode, accept_expensive_destination, import_id} */
		this.debtLinks = new Map();
		/** Seeded creditors and debtors (for /debts/by-creditor and /debts/by-debtor), and the company's timeline IDs */
		this.creditors = new Map();
		this.debtors = new Map();
		this.timelines = new Set(options.timelineIds ?? []);
		/** Batch imports: import_id → {import_id, batch_name, debt_ids} */
		this.imports = new Map();
		/** Reports (the report object of reports.md) and their files (Buffer) by report ID */
		this.reports = new Map();
		this.reportFiles = new Map();
		/** Test hooks per report ID: {fileStatus?, emptyBody?, downloadUrl?, redirectTo?, redirects?, redirectStatus?} (see setReportDownload) */
		this.reportDownloadHooks = new Map();
		/** Issued download links: token → {reportId, expires (Unix s), expiresAt (ms), signature, used} */
		this.downloadLinks = new Map();
		this.downloadLinkLifetimeSeconds = options.downloadLinkLifetimeSeconds ?? 3600;
		this.downloadSecret = crypto.randomBytes(32);
		/** The company (profile, credits) and its users by ID */
		this.company = { ...DEFAULT_COMPANY };
		this.credits = { ...DEFAULT_CREDITS, subscription: { ...DEFAULT_CREDITS.subscription } };
		this.users = new Map();
		for (const id of options.followupIds ?? ['abc123def456']) this.seedFollowup(id);
		this.tokens = new Map();
		this.refreshTokens = new Map();
		/** Every API request: {method, path, rawPath, query, headers, rawBody, body, status} */
		this.requests = [];
		/** Every token request: {grantType, clientId, scope, credentialsInBody, basicAuth, status} */
		this.tokenRequests = [];
		/** Every request the report file host got: {method, path, rawUrl, query, headers (all of them), status, location, reportId, startedAt, endedAt} */
		this.fileRequests = [];
		/** Scripted faults consumed by the next API requests, in order */
		this.faults = [];
		/** The quotas as given to the constructor (restored by reset): {limit, windowSeconds, used} per class */
		this.initialQuota = {};
		for (const kind of QUOTA_KINDS) {
			const given = options.quota?.[kind] ?? {};
			const base = kind === 'writes' && options.rateLimit !== undefined ? { ...QUOTA_DEFAULTS.writes, limit: options.rateLimit } : QUOTA_DEFAULTS[kind];
			const used = given.used ?? 0;
			checkUsed(used, `quota.${kind}`);
			this.initialQuota[kind] = { ...quotaSettings(base, given, `quota.${kind}`), used };
		}
		/** The current limit and window of each class ({limit, windowSeconds}), the same for every client */
		this.quotas = {};
		/** Per class, client ID → the times (ms) of the requests counted in its window, oldest first */
		this.quotaWindows = {};
		this.restoreQuotas();
		/** API requests being answered right now, and the most at once */
		this.inFlight = 0;
		this.maxInFlight = 0;
		this.sockets = new Set();
		this.server = http.createServer((req, res) => this.handle(req, res));
		/** The report file host (secure-downloads.getbill.io's stand-in): another port, no OAuth, signed single-use links */
		this.fileHostPort = options.fileHostPort ?? 0;
		this.fileServer = http.createServer((req, res) => this.handleFile(req, res));
		for (const server of [this.server, this.fileServer]) {
			server.on('connection', (socket) => {
				this.sockets.add(socket);
				socket.on('close', () => this.sockets.delete(socket));
			});
		}
	}

	get url() {
		const address = this.server.address();
		return `http://127.0.0.1:${address.port}`;
	}

	/** Base URL of the report file host (once started) */
	get fileHostUrl() {
		const address = this.fileServer.address();
		return `http://127.0.0.1:${address.port}`;
	}

	async start() {
		const listen = (server, port) =>
			new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, '127.0.0.1', resolve);
			});
		await listen(this.server, this.port);
		try {
			await listen(this.fileServer, this.fileHostPort);
		} catch (error) {
			await new Promise((resolve) => this.server.close(() => resolve()));
			throw error;
		}
		return this.url;
	}

	async stop() {
		for (const socket of this.sockets) socket.destroy();
		const close = (server) => new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
		await Promise.all([close(this.server), close(this.fileServer)]);
	}

	reset() {
		this.requests = [];
		this.tokenRequests = [];
		this.fileRequests = [];
		this.faults = [];
		this.restoreQuotas();
		this.maxInFlight = 0;
		this.clockOffsetMs = this.initialClockOffsetMs;
	}

	/** An instant of the real clock (ms) as GetBill's clock shows it: + clockOffsetMs. */
	announced(ms) {
		checkClockOffset(this.clockOffsetMs);
		return ms + this.clockOffsetMs;
	}

	// --- Rate limits --------------------------------------------------------------

	/** Empties every window and puts back the constructor's limits, windows and `used` (for DEFAULT_CLIENT). */
	restoreQuotas() {
		for (const kind of QUOTA_KINDS) {
			const { limit, windowSeconds, used } = this.initialQuota[kind];
			this.quotas[kind] = { limit, windowSeconds };
			this.quotaWindows[kind] = new Map();
			if (used > 0) this.quotaWindows[kind].set(DEFAULT_CLIENT.clientId, new Array(used).fill(Date.now()));
		}
	}

	/**
	 * Changes a quota for tests. `limit` and `windowSeconds` change the class's quota for every client.
	 * `used` replaces `clientId`'s window with that many counted requests, stamped `usedAgoSeconds` (default 0) before now.
	 * @param {'writes'|'reads'} kind
	 * @param {{limit?: number, windowSeconds?: number, used?: number, usedAgoSeconds?: number}} [settings]
	 * @param {string} [clientId] default DEFAULT_CLIENT.clientId
	 */
	setQuota(kind, settings = {}, clientId = DEFAULT_CLIENT.clientId) {
		checkQuotaKind(kind);
		const { used, usedAgoSeconds } = settings;
		this.quotas[kind] = quotaSettings(this.quotas[kind], settings, `setQuota('${kind}')`);
		if (used === undefined) {
			if (usedAgoSeconds !== undefined) throw new TypeError(`setQuota('${kind}'): usedAgoSeconds needs used`);
			return;
		}
		checkUsed(used, `setQuota('${kind}')`);
		const ago = usedAgoSeconds ?? 0;
		if (typeof ago !== 'number' || !Number.isFinite(ago) || ago < 0) throw new TypeError(`setQuota('${kind}'): usedAgoSeconds must be a number >= 0, got ${ago}`);
		this.quotaWindows[kind].set(clientId, new Array(used).fill(Date.now() - ago * 1000));
	}

	/** The window of a client for a class, without the requests that left it (kept, oldest first). */
	quotaWindow(kind, clientId, now = Date.now()) {
		const windows = this.quotaWindows[kind];
		const cutoff = now - this.quotas[kind].windowSeconds * 1000;
		const kept = (windows.get(clientId) ?? []).filter((t) => t > cutoff);
		windows.set(clientId, kept);
		return kept;
	}

	/**
	 * A client's quota of a class: {limit, windowSeconds, count, remaining,
	 * resetAt (ms: when the oldest counted request leaves the window; now + window when none is counted)}.
	 * @param {'writes'|'reads'} kind
	 * @param {string|null} [clientId] default DEFAULT_CLIENT.clientId; null: a fresh quota (no client, nothing counted)
	 * @param {number} [now] ms since epoch
	 */
	quotaState(kind, clientId = DEFAULT_CLIENT.clientId, now = Date.now()) {
		checkQuotaKind(kind);
		const { limit, windowSeconds } = this.quotas[kind];
		const window = clientId === null ? [] : this.quotaWindow(kind, clientId, now);
		const oldest = window.length ? window.reduce((a, b) => Math.min(a, b)) : now;
		return { limit, windowSeconds, count: window.length, remaining: Math.max(0, limit - window.length), resetAt: oldest + windowSeconds * 1000 };
	}

	/** The four X-RateLimit-* headers of a quota state. */
	quotaHeaders(state) {
		return {
			'X-RateLimit-Limit': String(state.limit),
			'X-RateLimit-Remaining': String(state.remaining),
			'X-RateLimit-Reset': String(Math.ceil(this.announced(state.resetAt) / 1000)),
			'X-RateLimit-Window': String(state.windowSeconds),
		};
	}

	/** Sets the X-RateLimit-* headers of the answer (headers given to send still win). */
	setQuotaHeaders(res, state) {
		for (const [name, value] of Object.entries(this.quotaHeaders(state))) res.setHeader(name, value);
	}

	/**
	 * The one rate-limit check: counts the request against its client's quota of `kind`, or, with the window full,
	 * answers GetBill's 429 (not counted). Sets the X-RateLimit-* headers either way. Returns whether to go on.
	 */
	takeQuota(res, entry, kind, clientId) {
		const now = Date.now();
		const { limit } = this.quotas[kind];
		const window = this.quotaWindow(kind, clientId, now);
		if (window.length >= limit) {
			const state = this.quotaState(kind, clientId, now);
			this.setQuotaHeaders(res, state);
			const resetSeconds = Math.ceil(this.announced(state.resetAt) / 1000);
			this.apiError(res, 429, RATE_LIMIT_MESSAGE, {
				retry_after: Math.max(1, Math.ceil((state.resetAt - now) / 1000)),
				limit,
				reset_time: isoSeconds(resetSeconds * 1000),
			});
			return false;
		}
		window.push(now);
		const state = this.quotaState(kind, clientId, now);
		this.setQuotaHeaders(res, state);
		entry.quota = { kind, remaining: state.remaining };
		return true;
	}

	/**
	 * Deprecated: the writes quota in the shape of the old single counter, a frozen snapshot:
	 * `used` = writes counted in the window, all clients together. Use quotaState / setQuota.
	 */
	get rateLimit() {
		const { limit, windowSeconds } = this.quotas.writes;
		let used = 0;
		for (const clientId of this.quotaWindows.writes.keys()) used += this.quotaWindow('writes', clientId).length;
		return Object.freeze({ limit, window: windowSeconds, used });
	}

	seedFollowup(id, data = {}) {
		const followup = { ...baseFollowup(id), ...data };
		this.followups.set(id, followup);
		this.debts.add(followup.debt_id);
		return followup;
	}

	/**
	 * A debt of the company (no followup yet): a full debt object with Create's defaults (status pending, counters 0)
	 * and a sample debtor (John Doe, +33612345678, john.doe@example.com, 1250.00 EUR), overridden by `data`.
	 * `data.creditor_id` / `data.debtor_id` link it to a seeded creditor / debtor (not part of the debt object).
	 * Seeding an existing debt applies `data` to it.
	 */
	seedDebt(id, data = {}) {
		const { creditor_id: creditorId, debtor_id: debtorId, ...fields } = data;
		this.debts.add(id);
		const debt = this.debtRecord(id);
		Object.assign(debt, fields);
		if ('amount' in fields && !('amount_text' in fields)) debt.amount_text = amountText(debt.amount);
		const links = this.debtLinks.get(id) ?? {};
		if (creditorId !== undefined) links.creditor_id = creditorId;
		if (debtorId !== undefined) links.debtor_id = debtorId;
		this.debtLinks.set(id, links);
		return debt;
	}

	/** The stored debt object (live: changes show in the API), or undefined. `followups_count` is kept current. */
	getDebt(id) {
		return this.debtRecord(id);
	}

	/** A debt's links not shown in the debt object: creditor_id, debtor_id, timeline_start_mode, accept_expensive_destination, import_id. */
	getDebtLinks(id) {
		return this.debts.has(id) ? (this.debtLinks.get(id) ?? {}) : undefined;
	}

	/** A creditor (camelCase fields as in creditors.md), for /debts/by-creditor/{id}. */
	seedCreditor(id, data = {}) {
		const creditor = {
			id,
			name: `Creditor ${id}`,
			email: null,
			phone: null,
			address: null,
			city: null,
			postalCode: null,
			country: null,
			registrationNumber: null,
			taxNumber: null,
			contactPerson: null,
			createdAt: '2024-01-15 10:30:00',
			updatedAt: '2024-01-15 10:30:00',
			...data,
		};
		this.creditors.set(id, creditor);
		return creditor;
	}

	/** A debtor (camelCase fields as in debtors.md), for /debts/by-debtor/{id}. */
	seedDebtor(id, data = {}) {
		const debtor = {
			id,
			firstName: 'John',
			lastName: 'Doe',
			email: null,
			phone: null,
			address: null,
			dateOfBirth: null,
			firstSeenAt: '2024-01-15 10:30:00',
			lastSeenAt: '2024-01-15 10:30:00',
			lastUpdatedAt: '2024-01-15 10:30:00',
			...data,
		};
		this.debtors.set(id, debtor);
		return debtor;
	}

	/** A timeline of the company: its ID becomes a valid `timeline_id`. */
	seedTimeline(id) {
		this.timelines.add(id);
	}

	/**
	 * A report (reports.md's object) and its file. Defaults: the docs' January financial summary, a completed PDF
	 * available for download. `data.content` (Buffer or string, not part of the report) is the file; `file_size`
	 * defaults to its length. Seeding an existing ID replaces the report (its download hooks stay).
	 */
	seedReport(id, data = {}) {
		const { content, ...fields } = data;
		const file = content === undefined ? Buffer.from(`%PDF-1.4\n% GetBill test report ${id}\n%%EOF\n`) : Buffer.from(content);
		const report = {
			id,
			type: 'financial',
			title: 'Monthly Financial Summary',
			description: 'Financial summary for January 2024',
			status: 'completed',
			filename: 'financial_summary_2024_01.pdf',
			file_size: file.length,
			mime_type: 'application/pdf',
			period_from: '2024-01-01',
			period_to: '2024-01-31',
			generated_at: '2024-02-01T09:30:00Z',
			created_at: '2024-02-01T09:30:00Z',
			download_available: true,
			...fields,
		};
		this.reports.set(id, report);
		this.reportFiles.set(id, file);
		return report;
	}

	/**
	 * Test hooks for a report's download (replacing earlier ones; `{}` clears them):
	 * `fileStatus` makes the file host answer that status (e.g. 404) instead of the file (the link stays unused);
	 * `emptyBody` serves 200 with no bytes; `downloadUrl` is given as `download_url` verbatim (e.g. `ftp://…`);
	 * `redirectTo` makes the file host answer a valid link with a redirect to that URL, verbatim in `Location` (absolute or
	 * relative; the link stays unused); `redirects: n` makes it answer a valid link n times with a redirect to the same
	 * link on the same host (relative `Location`, `hop=1…n` added to the query) before it serves the file;
	 * `redirectStatus` is the status of those redirects (default 302).
	 */
	setReportDownload(id, hooks = {}) {
		this.reportDownloadHooks.set(id, { ...hooks });
	}

	/** Makes every issued report download link expired (the file host answers 403). */
	expireDownloadLinks() {
		for (const link of this.downloadLinks.values()) link.expiresAt = 0;
	}

	/** A user of the company (users.md's object); defaults: an active John Doe. */
	seedUser(id, data = {}) {
		const user = {
			id,
			email: 'john.doe@example.com',
			firstname: 'John',
			lastname: 'Doe',
			is_active: true,
			created_at: '2023-01-15T10:30:00Z',
			last_activity: '2024-01-15T14:30:00Z',
			...data,
		};
		this.users.set(id, user);
		return user;
	}

	/** Changes the company profile (GET /company/profile); returns it. */
	setCompany(data = {}) {
		Object.assign(this.company, data);
		return this.company;
	}

	/** Changes the credit balance and subscription (GET /company/credits); `subscription` is merged; returns it. */
	setCredits(data = {}) {
		const { subscription, ...rest } = data;
		Object.assign(this.credits, rest);
		if (subscription !== undefined) {
			this.credits.subscription = subscription === null ? null : { ...(this.credits.subscription ?? {}), ...subscription };
		}
		return this.credits;
	}

	/** The debt object of a debt ID of `debts` (made with the defaults on first use), or undefined. */
	debtRecord(id, followupCounts) {
		if (!this.debts.has(id)) return undefined;
		let debt = this.debtRecords.get(id);
		if (!debt) {
			debt = baseDebt(id);
			this.debtRecords.set(id, debt);
		}
		debt.followups_count = followupCounts ? (followupCounts.get(id) ?? 0) : [...this.followups.values()].filter((f) => f.debt_id === id).length;
		return debt;
	}

	getFollowup(id) {
		return this.followups.get(id);
	}

	/** Makes every issued access token invalid, as if they had expired. */
	expireAllTokens() {
		for (const token of this.tokens.values()) token.expiresAt = 0;
	}

	/**
	 * Queues faults for the next API requests (not token requests), in order.
	 * A fault: {status, body?, headers?} answers with that; {drop: true} destroys the connection.
	 * Optional `match(req)` applies it only to matching requests.
	 */
	injectFaults(...faults) {
		this.faults.push(...faults);
	}

	apiRequests(method, pathPrefix = API) {
		return this.requests.filter((r) => (!method || r.method === method) && r.path.startsWith(pathPrefix));
	}

	// --- HTTP plumbing -------------------------------------------------------

	async handle(req, res) {
		const startedAt = Date.now();
		const isApi = req.url.startsWith(`${API}/`);
		if (isApi) {
			this.inFlight++;
			this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
			res.once('close', () => this.inFlight--);
		}
		req.startedAt = startedAt;
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		await new Promise((resolve) => req.on('end', resolve));
		const rawBody = Buffer.concat(chunks).toString('utf8');
		if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
		const url = new URL(req.url, 'http://127.0.0.1');
		try {
			if (req.method === 'POST' && url.pathname === '/token') return this.handleToken(req, res, rawBody);
			if (url.pathname.startsWith(`${API}/`)) return this.handleApi(req, res, url, rawBody);
			return this.send(res, 404, { error: true, message: 'Not found', code: 404 });
		} catch (error) {
			return this.send(res, 500, { error: true, message: `Test server error: ${error.message}`, code: 500 });
		}
	}

	send(res, status, body, headers = {}) {
		const payload = JSON.stringify(body);
		// GetBill's time of the answer, on its clock (Node would send the real one); a fault's own Date still wins.
		const date = new Date(this.announced(Date.now())).toUTCString();
		res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Date: date, ...headers });
		res.end(payload);
	}

	apiError(res, status, message, details, headers = {}) {
		const body = { error: true, message, code: status };
		if (details) body.details = details;
		return this.send(res, status, body, headers);
	}

	// --- OAuth2 ---------------------------------------------------------------

	handleToken(req, res, rawBody) {
		const form = new URLSearchParams(rawBody);
		const basicAuth = /^Basic /i.test(req.headers.authorization ?? '');
		const entry = {
			grantType: form.get('grant_type'),
			clientId: form.get('client_id'),
			scope: form.get('scope'),
			credentialsInBody: form.has('client_id') && form.has('client_secret'),
			basicAuth,
			contentType: req.headers['content-type'],
			status: 0,
		};
		this.tokenRequests.push(entry);
		const oauthError = (status, error, description) => {
			entry.status = status;
			return this.send(res, status, { error, error_description: description });
		};
		if (!/application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
			return oauthError(400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded');
		}
		const grantType = form.get('grant_type');
		if (grantType === 'refresh_token') {
			const stored = this.refreshTokens.get(form.get('refresh_token') ?? '');
			if (!stored) return oauthError(400, 'invalid_grant', 'The refresh token is invalid');
			return this.issueToken(res, entry, stored.clientId, stored.scopes);
		}
		if (grantType !== 'client_credentials') {
			return oauthError(400, 'unsupported_grant_type', `The grant type "${grantType}" is not supported`);
		}
		// GetBill takes the client credentials in the body, not as HTTP Basic auth.
		const client = this.clients.get(form.get('client_id') ?? '');
		if (!client || form.get('client_secret') !== client.clientSecret) {
			return oauthError(401, 'invalid_client', 'Client authentication failed');
		}
		const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
		const unknown = requested.filter((s) => !SCOPES.includes(s));
		if (unknown.length) return oauthError(400, 'invalid_scope', `Unknown scope: ${unknown.join(' ')}`);
		const notAllowed = requested.filter((s) => !client.scopes.includes(s));
		if (notAllowed.length) {
			return oauthError(400, 'invalid_scope', `The client may not request: ${notAllowed.join(' ')}`);
		}
		return this.issueToken(res, entry, client.clientId, requested);
	}

	issueToken(res, entry, clientId, scopes) {
		const accessToken = `at_${crypto.randomBytes(16).toString('hex')}`;
		const refreshToken = `rt_${crypto.randomBytes(16).toString('hex')}`;
		this.tokens.set(accessToken, { clientId, scopes, expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000 });
		this.refreshTokens.set(refreshToken, { clientId, scopes });
		entry.status = 200;
		entry.issued = accessToken;
		return this.send(res, 200, {
			access_token: accessToken,
			token_type: 'Bearer',
			expires_in: this.tokenLifetimeSeconds,
			refresh_token: refreshToken,
			scope: scopes.join(' '),
		});
	}

	authenticate(req) {
		const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
		if (!match) return undefined;
		const token = this.tokens.get(match[1]);
		if (!token || token.expiresAt <= Date.now()) return undefined;
		return { ...token, accessToken: match[1] };
	}

	// --- API --------------------------------------------------------------------

	handleApi(req, res, url, rawBody) {
		const rawPath = url.pathname;
		const entry = {
			method: req.method,
			path: rawPath,
			rawPath,
			query: Object.fromEntries(url.searchParams),
			headers: { authorization: req.headers.authorization, 'content-type': req.headers['content-type'], accept: req.headers.accept },
			rawBody,
			body: undefined,
			status: 0,
			startedAt: req.startedAt,
			endedAt: undefined,
		};
		this.requests.push(entry);
		const finish = res.end.bind(res);
		res.end = (...args) => {
			entry.status = res.statusCode;
			entry.endedAt = Date.now();
			return finish(...args);
		};
		const kind = quotaKind(req.method);
		const auth = this.authenticate(req);
		// Answers that count nothing (faults, 401) show the quota of the token's client, or a fresh one without a valid token.
		this.setQuotaHeaders(res, this.quotaState(kind, auth ? auth.clientId : null));
		const faultIndex = this.faults.findIndex((f) => !f.match || f.match(entry));
		if (faultIndex !== -1) {
			const [fault] = this.faults.splice(faultIndex, 1);
			entry.fault = fault.drop ? 'drop' : fault.status;
			if (fault.drop) {
				req.socket.destroy();
				return;
			}
			return this.send(res, fault.status, fault.body ?? { error: true, message: 'Injected fault', code: fault.status }, fault.headers ?? {});
		}
		if (!auth) return this.apiError(res, 401, 'Authentication credentials are missing or invalid');
		entry.token = auth.accessToken;
		// The one rate-limit check: every authenticated request counts in its class, whatever it is answered.
		if (!this.takeQuota(res, entry, kind, auth.clientId)) return;

		const rest = rawPath.slice(API.length);
		const byDebt = /^\/followups\/debt\/([^/]+)$/.exec(rest);
		if (byDebt && req.method === 'GET') return this.listFollowups(res, auth, url, decodeURIComponent(byDebt[1]));
		const one = /^\/followups\/([^/]+)$/.exec(rest);
		if (one && req.method === 'PUT') return this.updateFollowup(req, res, auth, decodeURIComponent(one[1]), rawBody, entry);
		if (one && req.method === 'GET') return this.getFollowupRoute(res, auth, decodeURIComponent(one[1]));
		if (rest === '/followups' && req.method === 'GET') return this.listFollowups(res, auth, url);
		if (rest === '/followups' && req.method === 'POST') return this.createFollowup(req, res, auth, rawBody, entry);
		if (rest === '/debts' || rest.startsWith('/debts/')) return this.routeDebts(req, res, auth, url, rest, rawBody, entry);
		if (rest === '/debtors' || rest.startsWith('/debtors/')) return this.routeDebtors(req, res, auth, url, rest, rawBody, entry);
		if (rest === '/creditors' || rest.startsWith('/creditors/')) return this.routeCreditors(req, res, auth, url, rest, rawBody, entry);
		if (rest === '/reports' || rest.startsWith('/reports/')) return this.routeReports(req, res, auth, url, rest);
		if (rest.startsWith('/company/')) return this.routeCompany(req, res, auth, rest);
		return this.apiError(res, 404, 'Endpoint not found');
	}

	/** One page of a page-based list: `{error: false, data, pagination: {total, page, limit, pages}}`. */
	sendPage(res, all, page, limit) {
		return this.send(res, 200, { error: false, data: all.slice((page - 1) * limit, page * limit), pagination: pagination(all.length, page, limit) });
	}

	/** GET /followups and /followups/debt/{debtId}: page-based, `limit` at most 100. */
	listFollowups(res, auth, url, debtId) {
		if (!this.requireScope(res, auth, 'followups:read')) return;
		const query = url.searchParams;
		const { page, limit, details } = pageQuery(query);
		const status = query.get('status');
		const type = query.get('type');
		if (status !== null && !STATUSES.includes(status)) details.status = [`must be one of ${STATUSES.join(', ')}`];
		if (type !== null && !TYPES.includes(type)) details.type = [`must be one of ${TYPES.join(', ')}`];
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);
		if (debtId !== undefined && !this.debts.has(debtId)) return this.apiError(res, 404, 'Debt not found');
		const all = [...this.followups.values()].filter(
			(f) => (debtId === undefined || f.debt_id === debtId) && (status === null || f.status === status) && (type === null || f.type === type),
		);
		return this.sendPage(res, all, page, limit);
	}

	/** POST /followups: `debt_id` (a debt of the company) plus the writable fields. */
	createFollowup(req, res, auth, rawBody, entry) {
		if (!this.requireScope(res, auth, 'followups:write')) return;
		const body = this.jsonObjectBody(req, res, rawBody, entry);
		if (!body) return;
		const { debt_id: debtId, ...fields } = body;
		const details = validateFollowupBody(fields) ?? {};
		if (typeof debtId !== 'string' || debtId === '') details.debt_id = ['The debt_id field is required.'];
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);
		if (!this.debts.has(debtId)) return this.apiError(res, 404, 'Debt not found');
		const id = crypto.randomBytes(8).toString('base64url');
		const followup = this.seedFollowup(id, { debt_id: debtId, status: 'on_hold', scheduled_at: null, direction: null });
		for (const [key, value] of Object.entries(fields)) {
			followup[key] = key === 'call_date' || key === 'scheduled_at' ? toOffsetIso(value) : value;
		}
		return this.send(res, 201, { error: false, message: 'Followup created successfully', data: followup });
	}

	/** The request's JSON object body, or undefined after answering 400. */
	jsonObjectBody(req, res, rawBody, entry) {
		if (!/^application\/json/.test(req.headers['content-type'] ?? '')) {
			this.apiError(res, 400, 'Invalid JSON payload');
			return undefined;
		}
		try {
			entry.body = JSON.parse(rawBody);
		} catch {
			this.apiError(res, 400, 'Invalid JSON payload');
			return undefined;
		}
		const body = entry.body;
		if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body;
		this.apiError(res, 400, 'Invalid JSON payload');
		return undefined;
	}

	requireScope(res, auth, scope) {
		if (auth.scopes.includes(scope)) return true;
		this.apiError(res, 403, `Required scope "${scope}" not found in token`);
		return false;
	}

	getFollowupRoute(res, auth, id) {
		if (!this.requireScope(res, auth, 'followups:read')) return;
		const followup = this.followups.get(id);
		if (!followup) return this.apiError(res, 404, 'Followup not found');
		// A read: like every other GET, it counts against the read quota, not the write one.
		return this.send(res, 200, { error: false, data: followup });
	}

	updateFollowup(req, res, auth, id, rawBody, entry) {
		if (!this.requireScope(res, auth, 'followups:write')) return;
		const body = this.jsonObjectBody(req, res, rawBody, entry);
		if (!body) return;
		const followup = this.followups.get(id);
		if (!followup) return this.apiError(res, 404, 'Followup not found');
		const details = validateFollowupBody(body);
		if (details) return this.apiError(res, 400, 'Validation failed', details);
		for (const [key, value] of Object.entries(body)) {
			followup[key] = key === 'call_date' || key === 'scheduled_at' ? toOffsetIso(value) : value;
		}
		followup.processed_at = toOffsetIso(Date.now());
		return this.send(res, 200, { error: false, message: 'Followup updated successfully', data: followup });
	}

	// --- Debts ------------------------------------------------------------------

	routeDebts(req, res, auth, url, rest, rawBody, entry) {
		const method = req.method;
		if (rest === '/debts' && method === 'GET') return this.listDebts(res, auth, url);
		if (rest === '/debts' && method === 'POST') return this.createDebt(req, res, auth, rawBody, entry);
		if (rest === '/debts/batch' && method === 'POST') return this.batchCreateDebts(req, res, auth, rawBody, entry);
		const byCreditor = /^\/debts\/by-creditor\/([^/]+)$/.exec(rest);
		if (byCreditor && method === 'GET') return this.listDebts(res, auth, url, { creditor_id: decodeURIComponent(byCreditor[1]) });
		const byDebtor = /^\/debts\/by-debtor\/([^/]+)$/.exec(rest);
		if (byDebtor && method === 'GET') return this.listDebts(res, auth, url, { debtor_id: decodeURIComponent(byDebtor[1]) });
		const one = /^\/debts\/([^/]+)$/.exec(rest);
		if (one && method === 'GET') return this.getDebtRoute(res, auth, decodeURIComponent(one[1]));
		if (one && method === 'PUT') return this.updateDebt(req, res, auth, decodeURIComponent(one[1]), rawBody, entry);
		if (one && method === 'DELETE') return this.deleteDebt(res, auth, decodeURIComponent(one[1]));
		return this.apiError(res, 404, 'Endpoint not found');
	}

	/** debt_id → number of followups */
	followupCounts() {
		const counts = new Map();
		for (const f of this.followups.values()) counts.set(f.debt_id, (counts.get(f.debt_id) ?? 0) + 1);
		return counts;
	}

	/**
	 * GET /debts, /debts/by-creditor/{id} (owner {creditor_id}) and /debts/by-debtor/{id} (owner {debtor_id}):
	 * page-based, `limit` at most 100; `status` (exact match, free text) on /debts and by-creditor.
	 */
	listDebts(res, auth, url, owner) {
		if (!this.requireScope(res, auth, 'debts:read')) return;
		const { page, limit, details } = pageQuery(url.searchParams);
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);
		if (owner?.creditor_id !== undefined && !this.creditors.has(owner.creditor_id)) return this.apiError(res, 404, 'Creditor not found');
		if (owner?.debtor_id !== undefined && !this.debtors.has(owner.debtor_id)) return this.apiError(res, 404, 'Debtor not found');
		const status = owner?.debtor_id === undefined ? url.searchParams.get('status') : null;
		const counts = this.followupCounts();
		const all = [...this.debts]
			.filter((id) => {
				const links = this.debtLinks.get(id) ?? {};
				return !owner || Object.entries(owner).every(([key, value]) => links[key] === value);
			})
			.map((id) => this.debtRecord(id, counts))
			.filter((debt) => status === null || debt.status === status);
		return this.sendPage(res, all, page, limit);
	}

	getDebtRoute(res, auth, id) {
		if (!this.requireScope(res, auth, 'debts:read')) return;
		const debt = this.debtRecord(id);
		if (!debt) return this.apiError(res, 404, 'Debt not found');
		return this.send(res, 200, { error: false, message: 'Success', data: debt });
	}

	/** Stores a debt made by Create or Batch from validated values; returns it. */
	storeNewDebt(values, links, importDate = toOffsetIso(Date.now())) {
		const id = `debt_${crypto.randomBytes(12).toString('base64url')}`;
		const { timeline_start_mode: startMode, ...fields } = values;
		const debt = { ...baseDebt(id, importDate), firstname: null, lastname: null, phone: null, email: null, amount: null, currency: null, ...fields };
		debt.amount_text = amountText(debt.amount);
		this.debts.add(id);
		this.debtRecords.set(id, debt);
		this.debtLinks.set(id, { ...links, ...(debt.timeline_id ? { timeline_start_mode: startMode ?? 'immediate' } : {}) });
		return debt;
	}

	/** POST /debts */
	createDebt(req, res, auth, rawBody, entry) {
		if (!this.requireScope(res, auth, 'debts:write')) return;
		const body = this.jsonObjectBody(req, res, rawBody, entry);
		if (!body) return;
		const result = validateDebtBody(body, 'create', { timelines: this.timelines });
		if (result.details) return this.apiError(res, 400, 'Validation failed', result.details);
		const accepted = body.accept_expensive_destination === true;
		const expensive = expensiveDestination(result.callingCode);
		if (expensive && !accepted) return this.apiError(res, 422, expensive.message, expensive.details);
		const debt = this.storeNewDebt(result.values, { accept_expensive_destination: accepted });
		return this.send(res, 201, { error: false, message: 'Debt created successfully', data: debt });
	}

	/** POST /debts/batch: each debt validated on its own; the whole batch is one write. */
	batchCreateDebts(req, res, auth, rawBody, entry) {
		if (!this.requireScope(res, auth, 'debts:write')) return;
		const body = this.jsonObjectBody(req, res, rawBody, entry);
		if (!body) return;
		const details = {};
		const add = (field, message) => (details[field] ??= []).push(message);
		for (const key of Object.keys(body)) if (!BATCH_FIELDS.includes(key)) add(key, DEBT_MESSAGES.unknown);
		if (!isBlank(body.batch_name) && typeof body.batch_name !== 'string') add('batch_name', DEBT_MESSAGES.string);
		const acceptAll = body.accept_expensive_destination;
		if (acceptAll !== undefined && acceptAll !== null && typeof acceptAll !== 'boolean') add('accept_expensive_destination', DEBT_MESSAGES.boolean);
		const debts = body.debts;
		if (debts === undefined || debts === null) add('debts', 'The debts field is required');
		else if (!Array.isArray(debts)) add('debts', 'debts must be an array of debts');
		else if (debts.length === 0) add('debts', 'At least one debt is required');
		else if (debts.length > BATCH_MAX) add('debts', `A batch accepts at most ${BATCH_MAX} debts (got ${debts.length})`);
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);

		const importId = `enc_imp_${crypto.randomBytes(9).toString('base64url')}`;
		const importDate = toOffsetIso(Date.now());
		const created = [];
		const failed = [];
		const skipped = [];
		debts.forEach((item, index) => {
			if (typeof item !== 'object' || item === null || Array.isArray(item)) {
				failed.push({ index, temp_id: null, errors: { debt: ['Each debt must be a JSON object'] } });
				return;
			}
			const tempId = item.temp_id ?? null;
			if (isTemplateRow(item)) {
				skipped.push({ index, temp_id: tempId, reason: 'Template or instruction row (a value contains "*" or "champs obligatoires")' });
				return;
			}
			const result = validateDebtBody(item, 'batch', { timelines: this.timelines });
			if (result.details) {
				failed.push({ index, temp_id: tempId, errors: result.details });
				return;
			}
			const accepted = typeof item.accept_expensive_destination === 'boolean' ? item.accept_expensive_destination : acceptAll === true;
			const expensive = expensiveDestination(result.callingCode);
			if (expensive && !accepted) {
				failed.push({ index, temp_id: tempId, errors: { phone: [expensive.message] } });
				return;
			}
			const debt = this.storeNewDebt(result.values, { accept_expensive_destination: accepted, import_id: importId }, importDate);
			const { firstname, lastname, phone, email, amount, currency } = debt;
			created.push({ index, temp_id: tempId, debt_id: debt.id, status: 'valid', data: { firstname, lastname, phone, email, amount, currency } });
		});
		this.imports.set(importId, {
			import_id: importId,
			batch_name: isBlank(body.batch_name) ? defaultBatchName() : body.batch_name,
			debt_ids: created.map((c) => c.debt_id),
		});
		const summary = { total: debts.length, created: created.length, failed: failed.length, skipped: skipped.length };
		return this.send(
			res,
			200,
			{ error: false, message: 'Batch operation completed', data: { import_id: importId, created, failed, skipped, summary } },
		);
	}

	/** PUT /debts/{id}: only the documented Update fields. */
	updateDebt(req, res, auth, id, rawBody, entry) {
		if (!this.requireScope(res, auth, 'debts:write')) return;
		const body = this.jsonObjectBody(req, res, rawBody, entry);
		if (!body) return;
		const debt = this.debtRecord(id);
		if (!debt) return this.apiError(res, 404, 'Debt not found');
		const result = validateDebtBody(body, 'update', { timelines: this.timelines, current: debt });
		if (result.details) return this.apiError(res, 400, 'Validation failed', result.details);
		Object.assign(debt, result.values);
		if ('amount' in result.values) debt.amount_text = amountText(debt.amount);
		return this.send(res, 200, { error: false, message: 'Debt updated successfully', data: debt });
	}

	/** DELETE /debts/{id}: the debt and all its followups. */
	deleteDebt(res, auth, id) {
		if (!this.requireScope(res, auth, 'debts:write')) return;
		if (!this.debts.has(id)) return this.apiError(res, 404, 'Debt not found');
		this.debts.delete(id);
		this.debtRecords.delete(id);
		this.debtLinks.delete(id);
		for (const [followupId, followup] of this.followups) if (followup.debt_id === id) this.followups.delete(followupId);
		return this.send(res, 200, { error: false, message: 'Debt deleted successfully' });
	}

	// --- Debtors (debtors.md) ---------------------------------------------------------

	routeDebtors(req, res, auth, url, rest, rawBody, entry) {
		const method = req.method;
		if (rest === '/debtors' && method === 'GET') return this.listDebtors(res, auth, url);
		const one = /^\/debtors\/([^/]+)$/.exec(rest);
		if (one && method === 'GET') return this.getDebtorRoute(res, auth, decodeURIComponent(one[1]));
		if (one && method === 'PUT') return this.updateDebtor(req, res, auth, decodeURIComponent(one[1]), rawBody, entry);
		return this.apiError(res, 404, 'Endpoint not found');
	}

	/** IDs of the company's debts linked to an owner ({creditor_id} or {debtor_id}). */
	linkedDebts(key, value) {
		return [...this.debts].filter((id) => (this.debtLinks.get(id) ?? {})[key] === value).map((id) => this.debtRecord(id));
	}

	/**
	 * The debtor as Get and Update show it: the base fields plus totals computed from the debts linked to it
	 * (totalDebtAmount: their amounts; totalPaidAmount: those of status.default.paid; debtsCount), unless the seed set them;
	 * averageRepaymentScore from the seed (default 65).
	 */
	debtorWithTotals(debtor) {
		const debts = this.linkedDebts('debtor_id', debtor.id);
		const sum = (list) => Math.round(list.reduce((total, debt) => total + (typeof debt.amount === 'number' ? debt.amount : 0), 0) * 100) / 100;
		const computed = {
			totalDebtAmount: sum(debts),
			totalPaidAmount: sum(debts.filter((debt) => debt.status === 'status.default.paid')),
			averageRepaymentScore: DEFAULT_REPAYMENT_SCORE,
			debtsCount: debts.length,
		};
		const totals = Object.fromEntries(DEBTOR_TOTALS.map((key) => [key, debtor[key] !== undefined ? debtor[key] : computed[key]]));
		return { ...pick(debtor, DEBTOR_FIELDS), ...totals };
	}

	/** GET /debtors: page-based, items without the totals. */
	listDebtors(res, auth, url) {
		if (!this.requireScope(res, auth, 'debtors:read')) return;
		const { page, limit, details } = pageQuery(url.searchParams);
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);
		const all = [...this.debtors.values()].map((debtor) => pick(debtor, DEBTOR_FIELDS));
		return this.sendPage(res, all, page, limit);
	}

	/** GET /debtors/{id}: double-wrapped (`data.data`). */
	getDebtorRoute(res, auth, id) {
		if (!this.requireScope(res, auth, 'debtors:read')) return;
		const debtor = this.debtors.get(id);
		if (!debtor) return this.apiError(res, 404, REST_MESSAGES.debtorNotFound);
		return this.send(res, 200, { error: false, message: 'Success', data: { data: this.debtorWithTotals(debtor) } });
	}

	/**
	 * PUT /debtors/{id}: only the fields sent change (whether omitted fields are cleared is unknown; the docs say to send
	 * only changed fields). Unknown fields and wrong types: 400 Validation failed with `details`; a dateOfBirth other than a
	 * YYYY-MM-DD date: the documented 400 without details. The debts' contact data is not touched.
	 */
	updateDebtor(req, res, auth, id, rawBody, entry) {
		if (!this.requireScope(res, auth, 'debtors:write')) return;
		const body = this.jsonObjectBody(req, res, rawBody, entry);
		if (!body) return;
		const debtor = this.debtors.get(id);
		if (!debtor) return this.apiError(res, 404, REST_MESSAGES.debtorNotFound);
		const has = (field) => Object.prototype.hasOwnProperty.call(body, field);
		if (has('dateOfBirth') && body.dateOfBirth !== null && !(typeof body.dateOfBirth === 'string' && isCalendarDate(body.dateOfBirth))) {
			return this.apiError(res, 400, REST_MESSAGES.dateOfBirth);
		}
		const details = {};
		for (const [key, value] of Object.entries(body)) {
			if (!DEBTOR_UPDATE_FIELDS.includes(key)) details[key] = [DEBT_MESSAGES.unknown];
			else if (typeof value !== 'string' && !(value === null && DEBTOR_NULLABLE.includes(key))) details[key] = [DEBT_MESSAGES.string];
		}
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);
		Object.assign(debtor, body, { lastUpdatedAt: naiveTimestamp() });
		return this.send(
			res,
			200,
			{ error: false, message: 'Success', data: { data: this.debtorWithTotals(debtor), message: REST_MESSAGES.debtorUpdated } },
		);
	}

	// --- Creditors (creditors.md) -----------------------------------------------------

	routeCreditors(req, res, auth, url, rest, rawBody, entry) {
		const method = req.method;
		if (rest === '/creditors' && method === 'GET') return this.listCreditors(res, auth, url);
		const one = /^\/creditors\/([^/]+)$/.exec(rest);
		if (one && method === 'GET') return this.getCreditorRoute(res, auth, decodeURIComponent(one[1]));
		if (one && (method === 'PUT' || method === 'PATCH')) return this.updateCreditor(req, res, auth, decodeURIComponent(one[1]), rawBody, entry);
		return this.apiError(res, 404, 'Endpoint not found');
	}

	/** GET /creditors: page-based, items without the totals. */
	listCreditors(res, auth, url) {
		if (!this.requireScope(res, auth, 'creditors:read')) return;
		const { page, limit, details } = pageQuery(url.searchParams);
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);
		const all = [...this.creditors.values()].map((creditor) => pick(creditor, CREDITOR_FIELDS));
		return this.sendPage(res, all, page, limit);
	}

	/** GET /creditors/{id}: double-wrapped, with totalDebts and totalAmount of the debts linked to it (unless the seed set them). */
	getCreditorRoute(res, auth, id) {
		if (!this.requireScope(res, auth, 'creditors:read')) return;
		const creditor = this.creditors.get(id);
		if (!creditor) return this.apiError(res, 404, REST_MESSAGES.creditorNotFound);
		const debts = this.linkedDebts('creditor_id', id);
		const computed = {
			totalDebts: debts.length,
			totalAmount: Math.round(debts.reduce((total, debt) => total + (typeof debt.amount === 'number' ? debt.amount : 0), 0) * 100) / 100,
		};
		const totals = Object.fromEntries(CREDITOR_TOTALS.map((key) => [key, creditor[key] !== undefined ? creditor[key] : computed[key]]));
		return this.send(res, 200, { error: false, message: 'Success', data: { data: { ...pick(creditor, CREDITOR_FIELDS), ...totals } } });
	}

	/**
	 * PUT and PATCH /creditors/{id}. PATCH changes only the fields sent. PUT is a FULL update: every updatable field
	 * the body omits is cleared to null. creditors.md calls PUT "full" yet all fields optional, and whether PUT clears
	 * omitted fields is unknown; this is the pessimistic reading, so that a client sending a partial PUT loses data here.
	 * Errors use the creditor page's other shape: 400 {"message":"Validation failed","errors":[{property, message}]}.
	 * The answer is not double-wrapped and has no totals.
	 */
	updateCreditor(req, res, auth, id, rawBody, entry) {
		if (!this.requireScope(res, auth, 'creditors:write')) return;
		const body = this.jsonObjectBody(req, res, rawBody, entry);
		if (!body) return;
		const creditor = this.creditors.get(id);
		if (!creditor) return this.apiError(res, 404, REST_MESSAGES.creditorNotFound);
		const errors = [];
		for (const [key, value] of Object.entries(body)) {
			if (!CREDITOR_UPDATE_FIELDS.includes(key)) errors.push({ property: key, message: REST_MESSAGES.creditorUnknown });
			else if (value !== null && typeof value !== 'string') errors.push({ property: key, message: REST_MESSAGES.creditorString });
			// Symfony's Email constraint: null and "" pass
			else if (key === 'email' && value && !EMAIL.test(value)) errors.push({ property: key, message: REST_MESSAGES.creditorEmail });
		}
		if (errors.length) {
			return this.send(res, 400, { error: true, message: 'Validation failed', code: 400, errors });
		}
		const changes = req.method === 'PUT' ? Object.fromEntries(CREDITOR_UPDATE_FIELDS.map((key) => [key, body[key] ?? null])) : body;
		Object.assign(creditor, changes, { updatedAt: naiveTimestamp() });
		return this.send(res, 200, { error: false, message: REST_MESSAGES.creditorUpdated, data: pick(creditor, CREDITOR_FIELDS) });
	}

	// --- Reports (reports.md) -----------------------------------------------------------

	routeReports(req, res, auth, url, rest) {
		if (req.method !== 'GET') return this.apiError(res, 404, 'Endpoint not found');
		if (rest === '/reports') return this.listReports(res, auth, url);
		const download = /^\/reports\/download\/([^/]+)$/.exec(rest);
		if (download) return this.reportDownloadRoute(res, auth, decodeURIComponent(download[1]));
		const one = /^\/reports\/([^/]+)$/.exec(rest);
		if (one) return this.getReportRoute(res, auth, decodeURIComponent(one[1]));
		return this.apiError(res, 404, 'Endpoint not found');
	}

	/** GET /reports: page-based; `type` filters by exact match. */
	listReports(res, auth, url) {
		if (!this.requireScope(res, auth, 'reports:read')) return;
		const { page, limit, details } = pageQuery(url.searchParams);
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);
		const type = url.searchParams.get('type');
		const all = [...this.reports.values()].filter((report) => type === null || report.type === type).map((report) => pick(report, REPORT_FIELDS));
		return this.sendPage(res, all, page, limit);
	}

	/** GET /reports/{id}: not double-wrapped. */
	getReportRoute(res, auth, id) {
		if (!this.requireScope(res, auth, 'reports:read')) return;
		const report = this.reports.get(id);
		if (!report) return this.apiError(res, 404, REST_MESSAGES.reportNotFound);
		return this.send(res, 200, { error: false, message: 'Success', data: pick(report, REPORT_FIELDS) });
	}

	/**
	 * GET /reports/download/{id}: a new signed, single-use link to the file host, valid downloadLinkLifetimeSeconds.
	 * A report with download_available false: 404 "Report is not available for download" (GetBill's behaviour is
	 * unknown; 404 because 409 is not among the documented statuses).
	 */
	reportDownloadRoute(res, auth, id) {
		if (!this.requireScope(res, auth, 'reports:read')) return;
		const report = this.reports.get(id);
		if (!report) return this.apiError(res, 404, REST_MESSAGES.reportNotFound);
		if (report.download_available !== true) return this.apiError(res, 404, REST_MESSAGES.reportNotDownloadable);
		const hooks = this.reportDownloadHooks.get(id) ?? {};
		const expires = Math.floor(Date.now() / 1000) + this.downloadLinkLifetimeSeconds;
		let downloadUrl = hooks.downloadUrl;
		if (downloadUrl === undefined) {
			const token = crypto.randomBytes(18).toString('base64url');
			const signature = this.signDownload(token, expires);
			this.downloadLinks.set(token, { reportId: id, expires, expiresAt: expires * 1000, signature, used: false });
			downloadUrl = `${this.fileHostUrl}/files/${token}?signature=${signature}&expires=${expires}`;
		}
		const data = {
			id: report.id,
			filename: report.filename,
			file_size: report.file_size,
			mime_type: report.mime_type,
			download_url: downloadUrl,
			expires_at: new Date(expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
		};
		return this.send(res, 200, { error: false, message: REST_MESSAGES.reportDownload, data });
	}

	signDownload(token, expires) {
		return crypto.createHmac('sha256', this.downloadSecret).update(`${token}:${expires}`).digest('hex');
	}

	/**
	 * The file host: GET /files/<token>?signature=…&expires=… serves the report's bytes once, with its mime_type and
	 * `Content-Disposition: attachment; filename="…"`. A bad signature, an unknown, expired or already used link: 403.
	 * It knows no OAuth; every request is recorded with all its headers in `fileRequests`.
	 */
	handleFile(req, res) {
		const url = new URL(req.url, 'http://127.0.0.1');
		const entry = {
			method: req.method,
			path: url.pathname,
			rawUrl: req.url,
			query: Object.fromEntries(url.searchParams),
			headers: { ...req.headers },
			status: 0,
			location: undefined,
			reportId: undefined,
			startedAt: Date.now(),
			endedAt: undefined,
		};
		this.fileRequests.push(entry);
		req.resume();
		const text = (status, message, headers = {}) => {
			entry.status = status;
			entry.endedAt = Date.now();
			res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message), ...headers });
			res.end(message);
		};
		const match = /^\/files\/([^/]+)$/.exec(url.pathname);
		if (!match) return text(404, 'Not Found');
		if (req.method !== 'GET') return text(405, 'Method Not Allowed', { Allow: 'GET' });
		const link = this.downloadLinks.get(match[1]);
		if (!link) return text(403, 'Access denied: unknown download link');
		entry.reportId = link.reportId;
		const signature = Buffer.from(url.searchParams.get('signature') ?? '');
		const expected = Buffer.from(link.signature);
		const signed = signature.length === expected.length && crypto.timingSafeEqual(signature, expected);
		if (!signed || url.searchParams.get('expires') !== String(link.expires)) return text(403, 'Access denied: invalid signature');
		if (link.expiresAt <= Date.now()) return text(403, 'Access denied: this download link has expired');
		if (link.used) return text(403, 'Access denied: this download link has already been used');
		const report = this.reports.get(link.reportId);
		const hooks = this.reportDownloadHooks.get(link.reportId) ?? {};
		if (!report) return text(404, 'Not Found');
		if (hooks.fileStatus !== undefined) return text(hooks.fileStatus, http.STATUS_CODES[hooks.fileStatus] ?? 'Error');
		const redirect = (location) => {
			entry.location = location;
			const status = hooks.redirectStatus ?? 302;
			return text(status, `Redirecting to ${location}`, { Location: location });
		};
		if (hooks.redirectTo !== undefined) return redirect(hooks.redirectTo);
		const hop = Number(url.searchParams.get('hop') ?? 0);
		if (hooks.redirects !== undefined && hop < hooks.redirects) {
			const next = new URLSearchParams(url.searchParams);
			next.set('hop', String(hop + 1));
			return redirect(`${url.pathname}?${next}`);
		}
		link.used = true;
		const bytes = hooks.emptyBody ? Buffer.alloc(0) : (this.reportFiles.get(link.reportId) ?? Buffer.alloc(0));
		entry.status = 200;
		entry.endedAt = Date.now();
		res.writeHead(200, {
			'Content-Type': report.mime_type,
			'Content-Length': bytes.length,
			'Content-Disposition': contentDisposition(report.filename),
			'Cache-Control': 'no-store',
		});
		res.end(bytes);
	}

	// --- Company and users (company.md, users.md) ---------------------------------------

	routeCompany(req, res, auth, rest) {
		if (req.method === 'GET' && rest === '/company/profile') {
			if (!this.requireScope(res, auth, 'company:read')) return;
			return this.send(res, 200, { error: false, message: 'Success', data: { ...this.company } });
		}
		if (req.method === 'GET' && rest === '/company/credits') {
			if (!this.requireScope(res, auth, 'company:read')) return;
			const credits = { ...this.credits, subscription: this.credits.subscription && { ...this.credits.subscription } };
			return this.send(res, 200, { error: false, message: 'Success', data: credits });
		}
		// users:read, not company:read; the whole list (inactive users too), no pagination block, page/limit ignored
		if (req.method === 'GET' && rest === '/company/users') {
			if (!this.requireScope(res, auth, 'users:read')) return;
			const data = [...this.users.values()].map((user) => pick(user, USER_FIELDS));
			return this.send(res, 200, { error: false, message: 'Success', data });
		}
		return this.apiError(res, 404, 'Endpoint not found');
	}
}

/** GetBill's server-side validation of an update body; returns `details` or undefined. */
function validateFollowupBody(body) {
	const details = {};
	const add = (field, message) => (details[field] ??= []).push(message);
	for (const [key, value] of Object.entries(body)) {
		if (key === 'debt_id') add(key, 'debt_id cannot be changed');
		else if (!WRITABLE.includes(key)) add(key, 'Unknown field');
	}
	if ('status' in body && !STATUSES.includes(body.status)) add('status', `must be one of ${STATUSES.join(', ')}`);
	if ('type' in body && !TYPES.includes(body.type)) add('type', `must be one of ${TYPES.join(', ')}`);
	if ('direction' in body && !DIRECTIONS.includes(body.direction)) add('direction', 'must be one of inbound, outbound');
	for (const field of ['call_date', 'scheduled_at']) {
		if (field in body && (typeof body[field] !== 'string' || !ISO_8601.test(body[field]) || Number.isNaN(Date.parse(body[field])))) {
			add(field, 'must be ISO 8601');
		}
	}
	for (const field of STRING_FIELDS) {
		if (field in body && typeof body[field] !== 'string') add(field, 'must be a string');
	}
	if ('duration_ms' in body && !(Number.isInteger(body.duration_ms) && body.duration_ms >= 0)) add('duration_ms', 'must be an integer');
	if ('is_retry' in body && typeof body.is_retry !== 'boolean') add('is_retry', 'must be a boolean');
	return Object.keys(details).length ? details : undefined;
}

/** `page` (default 1) and `limit` (default 20, at most 100) of a list request, with `details` for bad values. */
function pageQuery(query) {
	const details = {};
	const whole = (name, fallback, max) => {
		if (!query.has(name)) return fallback;
		const value = Number(query.get(name));
		if (!Number.isInteger(value) || value < 1 || (max && value > max)) {
			details[name] = [`must be an integer from 1${max ? ` to ${max}` : ''}`];
		}
		return value;
	};
	return { page: whole('page', 1), limit: whole('limit', 20, 100), details };
}

/** A debt as GetBill returns it: the fields of debts.md's table, in its order. */
function baseDebt(id, importDate = toOffsetIso(Date.now())) {
	return {
		id,
		civility: null,
		firstname: 'John',
		lastname: 'Doe',
		phone: '+33612345678',
		email: 'john.doe@example.com',
		birthdate: null,
		amount: 1250,
		amount_text: '1250.00',
		currency: 'EUR',
		object: null,
		internal_id: null,
		invoice_reference: null,
		debtor_reference: null,
		invoice_date: null,
		due_date: null,
		address: null,
		street_address: null,
		street_number: null,
		postal_code: null,
		city: null,
		country: null,
		status: DEBT_PENDING,
		timeline_id: null,
		nb_reminders: 0,
		nb_answered: 0,
		summary: null,
		iban: null,
		followups_count: 0,
		company: null,
		debtor_company: null,
		payment_link: null,
		metadata: {},
		import_date: importDate,
		last_timeline_restart: null,
		payment_plan_active: false,
		plan_start_date: null,
		contacts: [],
	};
}

/** The `pagination` block of a page-based list. */
function pagination(total, page, limit) {
	return { total, page, limit, pages: Math.ceil(total / limit) };
}

/** A copy of `object` with only `fields`, in their order (a missing field is null). */
function pick(object, fields) {
	return Object.fromEntries(fields.map((field) => [field, object[field] === undefined ? null : object[field]]));
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, without timezone: the debtor and creditor timestamps. */
function naiveTimestamp(date = new Date()) {
	return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** `attachment; filename="…"`, with an RFC 5987 `filename*` when the name is not plain ASCII. */
function contentDisposition(filename) {
	const name = String(filename ?? 'download');
	const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return ascii === name ? `attachment; filename="${name}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const amountText = (amount) => (typeof amount === 'number' ? amount.toFixed(2) : String(amount));

function isCalendarDate(value) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!m) return false;
	const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
	return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

/** Mod-97 check (ISO 13616), spaces allowed between groups, letters uppercase. */
function validIban(value) {
	const iban = value.replace(/ /g, '');
	if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
	const country = iban.slice(0, 2);
	if (!COUNTRIES.includes(country) && country !== 'XK') return false;
	if (IBAN_LENGTHS[country] && iban.length !== IBAN_LENGTHS[country]) return false;
	let remainder = 0;
	for (const ch of iban.slice(4) + iban.slice(0, 4)) {
		const digit = ch >= 'A' ? ch.charCodeAt(0) - 55 : Number(ch);
		remainder = (digit > 9 ? remainder * 100 + digit : remainder * 10 + digit) % 97;
	}
	return remainder === 1;
}

/**
 * GetBill's phone normalisation: `{phone}` in E.164 with its calling code, or `{error}` (one of the documented messages).
 * Numbers without a country code are French (0612345678 and 612345678 become +33612345678).
 */
function normalizePhone(input) {
	const compact = input.trim().replace(/[\s.\-()/]/g, '');
	if (!/^(\+|00)?\d+$/.test(compact)) return { error: DEBT_MESSAGES.phoneFormat };
	if (/^(\+|00)/.test(compact)) {
		const digits = compact.replace(/^(\+|00)/, '');
		const callingCode = [1, 2, 3].map((n) => digits.slice(0, n)).find((code) => CALLING_CODES.has(code));
		if (!callingCode) return { error: DEBT_MESSAGES.phoneCountryCode };
		const national = digits.slice(callingCode.length);
		if (digits.length > 15) return { error: DEBT_MESSAGES.phoneTooLong };
		const [min, max] = NATIONAL_LENGTHS[callingCode] ?? [4, 15 - callingCode.length];
		if (national.length < min) return { error: DEBT_MESSAGES.phoneTooShort };
		if (national.length > max) return { error: DEBT_MESSAGES.phoneTooLong };
		if (NATIONAL_LENGTHS[callingCode] && national.startsWith('0')) return { error: DEBT_MESSAGES.phoneFormat };
		// +33 69X: an overseas mobile dialled with the mainland code does not exist
		if (callingCode === '33' && national.startsWith('69')) return { error: DEBT_MESSAGES.phoneNotRegistered };
		return { phone: `+${digits}`, callingCode };
	}
	// No country code: a French number, with or without its trunk 0
	const national = compact.startsWith('0') ? compact.slice(1) : compact;
	if (national.startsWith('69')) return { error: DEBT_MESSAGES.overseas };
	if (national.length < 9) return { error: DEBT_MESSAGES.phoneTooShort };
	if (national.length > 9) return { error: DEBT_MESSAGES.phoneTooLong };
	if (national.startsWith('0')) return { error: DEBT_MESSAGES.phoneFormat };
	return { phone: `+33${national}`, callingCode: '33' };
}

/** The 422 body parts for a costly destination, or undefined. */
function expensiveDestination(callingCode) {
	const cost = EXPENSIVE_DESTINATIONS[callingCode];
	if (!cost) return undefined;
	return {
		message: `Expensive destination: ${cost.destination} (${cost.credits} credits per call, ${cost.multiplier.toFixed(1)}x the France mainland rate). Set accept_expensive_destination to true to accept it.`,
		details: { destination: cost.destination, cost_credits: cost.credits, multiplier: cost.multiplier },
	};
}

const isBlank = (value) => value === undefined || value === null || value === '';

/**
 * GetBill's validation of a debt body.
 * mode: 'create' (POST /debts), 'batch' (one item of POST /debts/batch: Create + temp_id) or 'update' (PUT /debts/{id}).
 * `current` (update only) is the stored debt, for the phone-or-email rule.
 * Returns {details} (per-field messages) or {values} (what to store: normalised, blanks as null) plus the phone's
 * callingCode. null and "" mean "no value" for optional fields (on Update: clear it).
 */
function validateDebtBody(body, mode, { timelines = new Set(), current } = {}) {
	const update = mode === 'update';
	const details = {};
	const values = {};
	const add = (field, message) => (details[field] ??= []).push(message);
	const allowed = update ? DEBT_UPDATE_FIELDS : mode === 'batch' ? [...DEBT_CREATE_FIELDS, 'temp_id'] : DEBT_CREATE_FIELDS;
	for (const key of Object.keys(body)) {
		if (key === 'status' && !update) add(key, DEBT_MESSAGES.statusOnCreate);
		else if (!allowed.includes(key)) add(key, DEBT_MESSAGES.unknown);
	}
	const has = (field) => Object.prototype.hasOwnProperty.call(body, field);
	/** Optional string field: undefined when absent, null when blank, the string, or false after an error. */
	const text = (field) => {
		if (!has(field)) return undefined;
		const value = body[field];
		if (isBlank(value)) return null;
		if (typeof value !== 'string') {
			add(field, DEBT_MESSAGES.string);
			return false;
		}
		return value;
	};
	const set = (field, value) => {
		if (value !== undefined && value !== false) values[field] = value;
	};

	// Names: required on Create, never blank on Update
	for (const [field, message] of [['firstname', DEBT_MESSAGES.firstname], ['lastname', DEBT_MESSAGES.lastname]]) {
		if (!update || has(field)) {
			const value = body[field];
			if (value !== undefined && value !== null && typeof value !== 'string') add(field, DEBT_MESSAGES.string);
			else if (typeof value !== 'string' || value.trim() === '') add(field, message);
			else values[field] = value;
		}
	}
	if (!update || has('amount')) {
		const amount = body.amount;
		if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) add('amount', DEBT_MESSAGES.amount);
		else values.amount = amount;
	}
	if (!update || has('currency')) {
		const currency = body.currency;
		if (isBlank(currency)) add('currency', DEBT_MESSAGES.currencyRequired);
		else if (typeof currency !== 'string' || !CURRENCIES.includes(currency)) add('currency', DEBT_MESSAGES.currency);
		else values.currency = currency;
	}
	const civility = text('civility');
	if (civility && !['Mr', 'Ms'].includes(civility)) add('civility', DEBT_MESSAGES.civility);
	else set('civility', civility);

	let callingCode;
	const phone = text('phone');
	if (phone) {
		const result = normalizePhone(phone);
		if (result.error) add('phone', result.error);
		else {
			values.phone = result.phone;
			callingCode = result.callingCode;
		}
	} else set('phone', phone);
	const email = text('email');
	if (email && !EMAIL.test(email)) add('email', DEBT_MESSAGES.email);
	else set('email', email);
	// At least one of phone / email (on Update: once the change is applied)
	const phoneAfter = phone !== undefined ? phone : update ? current?.phone : null;
	const emailAfter = email !== undefined ? email : update ? current?.email : null;
	if (!phoneAfter && !emailAfter && !details.phone && !details.email) {
		add('phone', DEBT_MESSAGES.contact);
		add('email', DEBT_MESSAGES.contact);
	}

	for (const field of DEBT_DATE_FIELDS) {
		const value = text(field);
		if (!value) {
			set(field, value);
			continue;
		}
		const isoDateTime = update && ISO_8601.test(value) && isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
		if (isCalendarDate(value)) values[field] = value;
		else if (isoDateTime) values[field] = value.slice(0, 10);
		else add(field, update ? DEBT_MESSAGES.dateUpdate : DEBT_MESSAGES.dateCreate);
	}
	for (const field of DEBT_TEXT_FIELDS) set(field, text(field));

	const iban = text('iban');
	if (iban && !validIban(iban)) add('iban', DEBT_MESSAGES.iban);
	else set('iban', iban);
	const country = text('country');
	if (country && !(COUNTRIES.includes(country) || (update && COUNTRY_NAMES.has(foldName(country))))) {
		add('country', update ? DEBT_MESSAGES.countryUpdate : DEBT_MESSAGES.countryCreate);
	} else set('country', country);
	const paymentLink = text('payment_link');
	if (paymentLink && !isHttpUrl(paymentLink)) add('payment_link', DEBT_MESSAGES.paymentLink);
	else set('payment_link', paymentLink);

	const timelineId = text('timeline_id');
	if (timelineId && !timelines.has(timelineId)) add('timeline_id', DEBT_MESSAGES.timeline);
	else set('timeline_id', timelineId);
	if (!update) {
		const startMode = text('timeline_start_mode');
		if (startMode && !TIMELINE_START_MODES.includes(startMode)) add('timeline_start_mode', DEBT_MESSAGES.timelineStartMode);
		else if (startMode && !timelineId) add('timeline_start_mode', DEBT_MESSAGES.timelineStartModeAlone);
		else set('timeline_start_mode', startMode);
		if (has('accept_expensive_destination') && body.accept_expensive_destination !== null && typeof body.accept_expensive_destination !== 'boolean') {
			add('accept_expensive_destination', DEBT_MESSAGES.boolean);
		}
	}
	if (has('metadata')) {
		const metadata = body.metadata;
		if (metadata === null) values.metadata = {};
		else if (typeof metadata !== 'object' || Array.isArray(metadata)) add('metadata', DEBT_MESSAGES.metadata);
		else values.metadata = metadata;
	}
	if (update && has('status')) {
		if (!DEBT_UPDATE_STATUSES.includes(body.status)) add('status', DEBT_MESSAGES.status);
		else values.status = body.status;
	}
	if (mode === 'batch') {
		if (isBlank(body.temp_id)) add('temp_id', DEBT_MESSAGES.tempIdRequired);
		else if (typeof body.temp_id !== 'string') add('temp_id', DEBT_MESSAGES.string);
	}
	return Object.keys(details).length ? { details } : { values, callingCode };
}

function isHttpUrl(value) {
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

/** Template/instruction rows of a spreadsheet import: a top-level string value with `*` or "champs obligatoires". */
function isTemplateRow(item) {
	return Object.entries(item).some(
		([key, value]) => key !== 'temp_id' && typeof value === 'string' && (value.includes('*') || /champs obligatoires/i.test(value)),
	);
}

/** `API Batch - DD/MM/YYYY HH:mm` (UTC) */
function defaultBatchName(date = new Date()) {
	const two = (n) => String(n).padStart(2, '0');
	return `API Batch - ${two(date.getUTCDate())}/${two(date.getUTCMonth() + 1)}/${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
}

// ==== Issue #31, deadlines (brief B): API answers that stall ===================
/*
 * `server.stallAnswers(...stalls)` queues stalls for the next API requests (not
 * token requests), in order, each used once. The request is handled as usual
 * (a create creates, it is recorded with its status, a fault queued for it
 * still applies), but its answer is held back, as a GetBill that did the work
 * and then hung:
 *   {}                  nothing is sent at all;
 *   {headers: true}     the status line and headers are sent, then `bodyBytes`
 *                       (default 1) bytes of the body, then nothing;
 *   {releaseAfterMs}    the rest of the answer is sent that long after it was
 *                       ready (default: never; the connection stays open until
 *                       the client closes it or the server stops);
 *   {match(request)}    only for a request ({method, path}) it returns true for.
 * The request's record gets `stalled: true`; `server.stalls` holds the stalls
 * not used yet (reset() empties it).
 */
const handleApiBeforeStalls = GetBillServer.prototype.handleApi;
const resetBeforeStalls = GetBillServer.prototype.reset;
Object.assign(GetBillServer.prototype, {
	stallAnswers(...stalls) {
		(this.stalls ??= []).push(...stalls);
	},
	reset() {
		resetBeforeStalls.call(this);
		this.stalls = [];
	},
	handleApi(req, res, url, rawBody) {
		const stalls = this.stalls ?? [];
		const index = stalls.findIndex((stall) => !stall.match || stall.match({ method: req.method, path: url.pathname }));
		if (index === -1) return handleApiBeforeStalls.call(this, req, res, url, rawBody);
		const [stall] = stalls.splice(index, 1);
		holdAnswer(res, stall);
		const recorded = this.requests.length;
		const result = handleApiBeforeStalls.call(this, req, res, url, rawBody);
		if (this.requests[recorded]) this.requests[recorded].stalled = true;
		return result;
	},
});

/** Holds back the answer `res` is given, as `stall` says (see stallAnswers). */
function holdAnswer(res, stall) {
	const writeHead = res.writeHead.bind(res);
	const end = res.end.bind(res);
	let head;
	res.writeHead = (...args) => {
		head = args;
		if (stall.headers) {
			writeHead(...args);
			res.flushHeaders();
		}
		return res;
	};
	res.end = (payload) => {
		const body = payload === undefined ? Buffer.alloc(0) : Buffer.from(payload);
		const sent = stall.headers ? Math.min(stall.bodyBytes ?? 1, body.length) : 0;
		if (sent > 0) res.write(body.subarray(0, sent));
		if (stall.releaseAfterMs !== undefined) {
			const timer = setTimeout(() => {
				if (res.destroyed || res.writableEnded) return;
				if (!res.headersSent && head) writeHead(...head);
				end(body.subarray(sent));
			}, stall.releaseAfterMs);
			res.once('close', () => clearTimeout(timer));
		}
		return res;
	};
}
// ==== end of issue #31, deadlines (brief B) ====================================

// ==== Issue #31, report download (brief A): a file host that misbehaves ======
/*
 * More hooks of setReportDownload(id, hooks), for the file host's answer to a
 * valid link (the link is checked, recorded and used as before):
 *   {failFirst: {times, status, reset}}  the first `times` (default 1) valid
 *        requests get `status` (default 503), or with `reset: true` a closed
 *        connection, and leave the link unused;
 *   {contentType}         Content-Type instead of the report's mime_type;
 *   {contentDisposition}  Content-Disposition verbatim;
 *   {body}                these bytes (string or Buffer) instead of the file;
 *   {noContentLength}     no Content-Length (chunked);
 *   {cutAfter: n}         Content-Length of the whole body, n bytes, then the
 *                         connection is closed;
 *   {stallAfter: n}       the headers and n bytes, then nothing (the connection
 *                         stays open until the client leaves or the server stops);
 *   {stallHeaders: true}  nothing at all, not even the headers;
 *   {generated: size}     `size` bytes of GetBillServer.generatedReport(size)
 *                         streamed (never held whole); seed the report with
 *                         file_size: size.
 * `entry.status` of the request's record is what was answered (0 for a reset).
 */
const handleFileBeforeHooks = GetBillServer.prototype.handleFile;
/** Failures already answered, per hooks object (setReportDownload makes a new one each time) */
const fileHostFailures = new WeakMap();
const FILE_HOOKS = ['failFirst', 'contentType', 'contentDisposition', 'body', 'noContentLength', 'cutAfter', 'stallAfter', 'stallHeaders', 'generated'];
Object.assign(GetBillServer.prototype, {
	handleFile(req, res) {
		const token = /^\/files\/([^/]+)$/.exec(new URL(req.url, 'http://127.0.0.1').pathname)?.[1];
		const link = token === undefined ? undefined : this.downloadLinks.get(token);
		const hooks = link ? (this.reportDownloadHooks.get(link.reportId) ?? {}) : {};
		if (link && FILE_HOOKS.some((name) => hooks[name] !== undefined)) shapeFileAnswer(this, res, link, hooks);
		return handleFileBeforeHooks.call(this, req, res);
	},
});

/** Changes the file host's 200 answer of a valid link as `hooks` say (see above); other answers pass. */
function shapeFileAnswer(server, res, link, hooks) {
	const writeHead = res.writeHead.bind(res);
	const end = res.end.bind(res);
	let entry;
	let serving = false;
	res.writeHead = (status, headers = {}) => {
		entry = server.fileRequests[server.fileRequests.length - 1];
		if (status !== 200) return writeHead(status, headers);
		serving = true;
		const failures = fileHostFailures.get(hooks) ?? 0;
		if (hooks.failFirst && failures < (hooks.failFirst.times ?? 1)) {
			fileHostFailures.set(hooks, failures + 1);
			link.used = false;
			serving = 'fail';
			return res;
		}
		if (hooks.stallHeaders) {
			serving = 'stall';
			return res;
		}
		const shaped = { ...headers };
		if (hooks.contentType !== undefined) shaped['Content-Type'] = hooks.contentType;
		if (hooks.contentDisposition !== undefined) shaped['Content-Disposition'] = hooks.contentDisposition;
		if (hooks.body !== undefined) shaped['Content-Length'] = Buffer.byteLength(hooks.body);
		if (hooks.generated !== undefined) shaped['Content-Length'] = hooks.generated;
		if (hooks.noContentLength) delete shaped['Content-Length'];
		return writeHead(200, shaped);
	};
	res.end = (payload) => {
		if (!serving) return end(payload);
		if (serving === 'stall') return res;
		if (serving === 'fail') {
			if (hooks.failFirst.reset) {
				entry.status = 0;
				res.socket?.destroy();
				return res;
			}
			const status = hooks.failFirst.status ?? 503;
			entry.status = status;
			const message = http.STATUS_CODES[status] ?? 'Error';
			writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message) });
			return end(message);
		}
		if (hooks.generated !== undefined) {
			streamGenerated(res, end, hooks.generated, hooks);
			return res;
		}
		const body = hooks.body !== undefined ? Buffer.from(hooks.body) : Buffer.from(payload ?? '');
		if (hooks.stallAfter !== undefined) {
			res.write(body.subarray(0, hooks.stallAfter));
			return res;
		}
		if (hooks.cutAfter !== undefined) {
			res.write(body.subarray(0, hooks.cutAfter), () => res.socket?.destroy());
			return res;
		}
		return end(body);
	};
}

/** The block generated reports repeat: 64 KiB of fixed pseudo-random bytes. */
const GENERATED_BLOCK = (() => {
	const block = Buffer.alloc(64 * 1024);
	for (let i = 0; i < block.length; i += 32) crypto.createHash('sha256').update(`getbill-report-${i}`).digest().copy(block, i);
	Buffer.from('%PDF-1.4\n').copy(block, 0);
	return block;
})();

/** The chunks of a generated report of `size` bytes (a PDF header, then the block repeated). */
GetBillServer.generatedReport = function* generatedReport(size) {
	for (let sent = 0; sent < size; sent += GENERATED_BLOCK.length) yield GENERATED_BLOCK.subarray(0, Math.min(GENERATED_BLOCK.length, size - sent));
};

/** Streams a generated report, honouring backpressure, then `end`s it (the response's own end); `stallAfter` and `cutAfter` apply to it too. */
function streamGenerated(res, end, size, hooks) {
	const limit = hooks.stallAfter ?? hooks.cutAfter ?? size;
	const chunks = GetBillServer.generatedReport(Math.min(size, limit));
	const pump = () => {
		for (let next = chunks.next(); !next.done; next = chunks.next()) {
			if (res.destroyed) return;
			if (!res.write(next.value)) return void res.once('drain', pump);
		}
		if (hooks.stallAfter !== undefined) return;
		if (hooks.cutAfter !== undefined) return void res.socket?.destroy();
		end();
	};
	pump();
}
// ==== end of issue #31, report download (brief A) ===============================

module.exports = {
	GetBillServer,
	validateFollowupBody,
	validateDebtBody,
	normalizePhone,
	validIban,
	DEFAULT_CLIENT,
	CLIENT_CREDENTIALS_TOKEN_REQUEST,
	QUOTA_DEFAULTS,
	WRITE_METHODS,
	RATE_LIMIT_MESSAGE,
	quotaKind,
	STATUSES,
	TYPES,
	DIRECTIONS,
	API,
	DEBT_UPDATE_STATUSES,
	CURRENCIES,
	EXPENSIVE_DESTINATIONS,
	DEBT_MESSAGES,
	BATCH_MAX,
	SCOPES,
	REST_MESSAGES,
	DEFAULT_COMPANY,
	DEFAULT_CREDITS,
};

if (require.main === module) {
	const args = process.argv.slice(2);
	const get = (name, fallback) => {
		const i = args.indexOf(`--${name}`);
		return i === -1 ? fallback : args[i + 1];
	};
	/** A numeric option, or undefined when not given (the server's default then) */
	const number = (name) => {
		const value = get(name, undefined);
		return value === undefined ? undefined : Number(value);
	};
	// --rate-limit is the old name of --write-limit; --write-window and --read-window are in seconds
	const server = new GetBillServer({
		port: Number(get('port', 8787)),
		latencyMs: Number(get('latency', 0)),
		followupIds: get('followups', 'abc123def456').split(','),
		quota: {
			writes: { limit: number('write-limit') ?? number('rate-limit'), windowSeconds: number('write-window') },
			reads: { limit: number('read-limit'), windowSeconds: number('read-window') },
		},
		timelineIds: get('timelines', '').split(',').filter(Boolean),
	});
	server.start().then((url) => {
		console.log(`GetBill sandbox listening on ${url} (client id ${DEFAULT_CLIENT.clientId})`);
	});
	const stop = () => server.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}
