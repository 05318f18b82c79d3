'use strict';
/**
 * A GetBill-like HTTP server for tests, the e2e suite and `npm run dev`.
 *
 * It follows GetBill's documentation (../shared/api): OAuth2 token endpoint
 * with client credentials in the form body and scopes, the followup endpoints
 * with GetBill's validation and error shape, rate-limit headers. It records
 * what it receives (never a client secret) and can inject faults.
 * Listens on 127.0.0.1 only.
 */
const http = require('http');
const crypto = require('crypto');

const API = '/external-api/v1';
const STATUSES = ['on_hold', 'scheduled', 'in_progress', 'sent', 'delivered', 'deal_found', 'no_answer', 'deal_not_found', 'bad_behavior', 'failed', 'cancelled'];
const TYPES = ['call', 'sms', 'email', 'whatsapp', 'voicemail', 'manual_call', 'physical', 'postmail'];
const DIRECTIONS = ['inbound', 'outbound'];
const SCOPES = ['debts:read', 'debts:write', 'followups:read', 'followups:write', 'reports:read', 'company:read', 'users:read', 'webhooks:read', 'debtors:read', 'debtors:write', 'creditors:read'];
const STRING_FIELDS = ['summary', 'notes', 'call_id', 'audio_url', 'phone_number_used', 'disconnection_reason'];
const WRITABLE = ['status', 'type', 'call_date', 'scheduled_at', ...STRING_FIELDS, 'duration_ms', 'direction', 'is_retry'];
// ISO 8601 date-time with seconds and an optional fraction; offset optional (GetBill reads none as UTC)
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

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
	 * @param {number} [options.rateLimit] writes allowed before 429 (GetBill: 500 per hour)
	 */
	constructor(options = {}) {
		this.port = options.port ?? 0;
		this.latencyMs = options.latencyMs ?? 0;
		this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
		this.clients = new Map((options.clients ?? [DEFAULT_CLIENT]).map((c) => [c.clientId, c]));
		this.followups = new Map();
		/** IDs of the company's debts (every seeded followup's debt_id, and seedDebt) */
		this.debts = new Set();
		for (const id of options.followupIds ?? ['abc123def456']) this.seedFollowup(id);
		this.tokens = new Map();
		this.refreshTokens = new Map();
		/** Every API request: {method, path, rawPath, query, headers, rawBody, body, status} */
		this.requests = [];
		/** Every token request: {grantType, clientId, scope, credentialsInBody, basicAuth, status} */
		this.tokenRequests = [];
		/** Scripted faults consumed by the next API requests, in order */
		this.faults = [];
		this.rateLimit = { limit: options.rateLimit ?? 500, window: 3600, used: 0 };
		/** API requests being answered right now, and the most at once */
		this.inFlight = 0;
		this.maxInFlight = 0;
		this.sockets = new Set();
		this.server = http.createServer((req, res) => this.handle(req, res));
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	get url() {
		const address = this.server.address();
		return `http://127.0.0.1:${address.port}`;
	}

	async start() {
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.port, '127.0.0.1', resolve);
		});
		return this.url;
	}

	async stop() {
		for (const socket of this.sockets) socket.destroy();
		await new Promise((resolve) => this.server.close(() => resolve()));
	}

	reset() {
		this.requests = [];
		this.tokenRequests = [];
		this.faults = [];
		this.rateLimit.used = 0;
		this.maxInFlight = 0;
	}

	seedFollowup(id, data = {}) {
		const followup = { ...baseFollowup(id), ...data };
		this.followups.set(id, followup);
		this.debts.add(followup.debt_id);
		return followup;
	}

	/** A debt of the company with no followup yet. */
	seedDebt(id) {
		this.debts.add(id);
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
		res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers });
		res.end(payload);
	}

	rateLimitHeaders() {
		return {
			'X-RateLimit-Limit': String(this.rateLimit.limit),
			'X-RateLimit-Remaining': String(Math.max(0, this.rateLimit.limit - this.rateLimit.used)),
			'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + this.rateLimit.window),
			'X-RateLimit-Window': String(this.rateLimit.window),
		};
	}

	apiError(res, status, message, details, headers = {}) {
		const body = { error: true, message, code: status };
		if (details) body.details = details;
		return this.send(res, status, body, { ...this.rateLimitHeaders(), ...headers });
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
		const faultIndex = this.faults.findIndex((f) => !f.match || f.match(entry));
		if (faultIndex !== -1) {
			const [fault] = this.faults.splice(faultIndex, 1);
			entry.fault = fault.drop ? 'drop' : fault.status;
			if (fault.drop) {
				req.socket.destroy();
				return;
			}
			return this.send(res, fault.status, fault.body ?? { error: true, message: 'Injected fault', code: fault.status }, { ...this.rateLimitHeaders(), ...(fault.headers ?? {}) });
		}
		const auth = this.authenticate(req);
		if (!auth) return this.apiError(res, 401, 'Authentication credentials are missing or invalid');
		entry.token = auth.accessToken;

		const rest = rawPath.slice(API.length);
		const byDebt = /^\/followups\/debt\/([^/]+)$/.exec(rest);
		if (byDebt && req.method === 'GET') return this.listFollowups(res, auth, url, decodeURIComponent(byDebt[1]));
		const one = /^\/followups\/([^/]+)$/.exec(rest);
		if (one && req.method === 'PUT') return this.updateFollowup(req, res, auth, decodeURIComponent(one[1]), rawBody, entry);
		if (one && req.method === 'GET') return this.getFollowupRoute(res, auth, decodeURIComponent(one[1]));
		if (rest === '/followups' && req.method === 'GET') return this.listFollowups(res, auth, url);
		if (rest === '/followups' && req.method === 'POST') return this.createFollowup(req, res, auth, rawBody, entry);
		return this.apiError(res, 404, 'Endpoint not found');
	}

	/** GET /followups and /followups/debt/{debtId}: page-based, `limit` at most 100. */
	listFollowups(res, auth, url, debtId) {
		if (!this.requireScope(res, auth, 'followups:read')) return;
		const query = url.searchParams;
		const details = {};
		const whole = (name, fallback, max) => {
			if (!query.has(name)) return fallback;
			const value = Number(query.get(name));
			if (!Number.isInteger(value) || value < 1 || (max && value > max)) {
				details[name] = [`must be an integer from 1${max ? ` to ${max}` : ''}`];
			}
			return value;
		};
		const page = whole('page', 1);
		const limit = whole('limit', 20, 100);
		const status = query.get('status');
		const type = query.get('type');
		if (status !== null && !STATUSES.includes(status)) details.status = [`must be one of ${STATUSES.join(', ')}`];
		if (type !== null && !TYPES.includes(type)) details.type = [`must be one of ${TYPES.join(', ')}`];
		if (Object.keys(details).length) return this.apiError(res, 400, 'Validation failed', details);
		if (debtId !== undefined && !this.debts.has(debtId)) return this.apiError(res, 404, 'Debt not found');
		const all = [...this.followups.values()].filter(
			(f) => (debtId === undefined || f.debt_id === debtId) && (status === null || f.status === status) && (type === null || f.type === type),
		);
		const data = all.slice((page - 1) * limit, page * limit);
		const pagination = { total: all.length, page, limit, pages: Math.ceil(all.length / limit) };
		return this.send(res, 200, { error: false, data, pagination }, this.rateLimitHeaders());
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
		if (this.rateLimit.used >= this.rateLimit.limit) return this.apiError(res, 429, 'Rate limit exceeded. Please try again later.', { retry_after: 1800 });
		this.rateLimit.used++;
		const id = crypto.randomBytes(8).toString('base64url');
		const followup = this.seedFollowup(id, { debt_id: debtId, status: 'on_hold', scheduled_at: null, direction: null });
		for (const [key, value] of Object.entries(fields)) {
			followup[key] = key === 'call_date' || key === 'scheduled_at' ? toOffsetIso(value) : value;
		}
		return this.send(res, 201, { error: false, message: 'Followup created successfully', data: followup }, this.rateLimitHeaders());
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
		this.rateLimit.used++;
		return this.send(res, 200, { error: false, data: followup }, this.rateLimitHeaders());
	}

	updateFollowup(req, res, auth, id, rawBody, entry) {
		if (!this.requireScope(res, auth, 'followups:write')) return;
		const body = this.jsonObjectBody(req, res, rawBody, entry);
		if (!body) return;
		const followup = this.followups.get(id);
		if (!followup) return this.apiError(res, 404, 'Followup not found');
		const details = validateFollowupBody(body);
		if (details) return this.apiError(res, 400, 'Validation failed', details);
		if (this.rateLimit.used >= this.rateLimit.limit) {
			return this.apiError(res, 429, 'Rate limit exceeded. Please try again later.', {
				retry_after: 1800,
				limit: this.rateLimit.limit,
				reset_time: new Date(Date.now() + 1800 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			});
		}
		this.rateLimit.used++;
		for (const [key, value] of Object.entries(body)) {
			followup[key] = key === 'call_date' || key === 'scheduled_at' ? toOffsetIso(value) : value;
		}
		followup.processed_at = toOffsetIso(Date.now());
		return this.send(res, 200, { error: false, message: 'Followup updated successfully', data: followup }, this.rateLimitHeaders());
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

module.exports = { GetBillServer, validateFollowupBody, DEFAULT_CLIENT, CLIENT_CREDENTIALS_TOKEN_REQUEST, STATUSES, TYPES, DIRECTIONS, API };

if (require.main === module) {
	const args = process.argv.slice(2);
	const get = (name, fallback) => {
		const i = args.indexOf(`--${name}`);
		return i === -1 ? fallback : args[i + 1];
	};
	const server = new GetBillServer({
		port: Number(get('port', 8787)),
		latencyMs: Number(get('latency', 0)),
		followupIds: get('followups', 'abc123def456').split(','),
		rateLimit: Number(get('rate-limit', 500)),
	});
	server.start().then((url) => {
		console.log(`GetBill sandbox listening on ${url} (client id ${DEFAULT_CLIENT.clientId})`);
	});
	const stop = () => server.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}
