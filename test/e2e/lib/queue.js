'use strict';

/*
 * n8n in queue mode, as a team runs it once one process is not enough: Redis
 * and PostgreSQL (lib/services.js, throwaway), then `n8n start` (the main
 * process: editor, REST API, triggers; it enqueues executions and runs none),
 * one `n8n webhook` (a webhook processor: production webhooks land there and
 * are enqueued) and `n8n worker`s (they take executions from Redis and run
 * them). All of them share one user folder (so one installed copy of the
 * package, as each host of a real deployment has its own), one database and
 * one encryption key (N8n.env).
 *
 * Which worker ran an execution: each worker logs "Worker started execution
 * <id> (job <job>)" at info level (n8n's scaling/job-processor.js) and nothing
 * in the database says it (execution_entity has no worker column in 2.41), so
 * every process's output is kept, line by line, with the time it arrived.
 */

const path = require('path');

const { N8n } = require('./n8n');
const { startRedis, startPostgres } = require('./services');

/** The pinned n8n versions queue mode is proven on (queue.e2e.test.js; examples/docker/Dockerfile builds on it). */
const QUEUE_VERSIONS = ['2.41.1'];

const plain = (line) => line.replace(/\x1b\[[0-9;]*m/g, '').trim();

class QueueMode {
	/**
	 * Starts Redis and PostgreSQL; n8n is started by start() (after the imports, which need the database).
	 * @param {object} o
	 * @param {string} o.version pinned n8n version
	 * @param {string} o.userFolder the shared N8N_USER_FOLDER, with the package installed
	 * @param {number} [o.workers] how many `n8n worker`s (2)
	 * @param {number} [o.concurrency] executions each worker runs at once (n8n's default, 10)
	 * @param {object} [o.env] more environment for every n8n process
	 * @param {object} [o.workerEnv] more environment for the workers only (e.g. N8N_LOG_LEVEL=debug)
	 */
	static async create({ version, userFolder, workers = 2, concurrency = 10, env = {}, workerEnv = {} }) {
		const q = new QueueMode();
		q.version = version;
		q.concurrency = concurrency;
		q.workerEnv = workerEnv;
		/** Every line any n8n process printed: {at (ms), from ('main', 'webhook', 'worker 1', …), line} */
		q.lines = [];
		try {
			q.redis = await startRedis();
			q.postgres = await startPostgres();
		} catch (error) {
			await q.stop();
			throw error;
		}
		q.env = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: q.postgres.host,
			DB_POSTGRESDB_PORT: String(q.postgres.port),
			DB_POSTGRESDB_DATABASE: q.postgres.database,
			DB_POSTGRESDB_USER: q.postgres.user,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: q.redis.host,
			QUEUE_BULL_REDIS_PORT: String(q.redis.port),
			// How long a stopping process waits for its executions (n8n's default: 30 s). The tests end theirs; but a
			// webhook processor was seen still waiting for one it had enqueued and main had stopped (n8n 2.41.1).
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '3',
			...env,
		};
		const n8n = () => new N8n({ version, userFolder, env: q.env });
		/** The main process: the editor and REST API (credentials and workflows are created and published through it). */
		q.main = await n8n().init();
		q.webhook = await n8n().init();
		q.workers = [];
		for (let i = 0; i < workers; i++) q.workers.push(await n8n().init());
		return q;
	}

	/** The processes by the name their lines carry. */
	get processes() {
		return [['main', this.main], ['webhook', this.webhook], ...this.workers.map((w, i) => [`worker ${i + 1}`, w])];
	}

	/** Keeps a process's output as lines, each with the time it arrived (a line may span two chunks). */
	sink(from) {
		let rest = '';
		return (chunk) => {
			const at = Date.now();
			const parts = (rest + chunk).split('\n');
			rest = parts.pop();
			for (const part of parts) {
				const line = plain(part);
				if (line) this.lines.push({ at, from, line });
			}
		};
	}

	/**
	 * Starts the main process (it runs the database migrations), then the webhook processor and the
	 * workers side by side. Resolves when all of them are ready.
	 * @returns {Promise<{main: string, webhook: string}>} their base URLs
	 */
	async start() {
		const started = Date.now();
		await this.main.start({ onOutput: this.sink('main') });
		this.startMs = { main: Date.now() - started };
		await Promise.all([
			this.webhook.start({ command: 'webhook', onOutput: this.sink('webhook') }),
			...this.workers.map((w, i) => w.start({ command: 'worker', args: [`--concurrency=${this.concurrency}`], env: this.workerEnv, onOutput: this.sink(`worker ${i + 1}`) })),
		]);
		this.startMs.all = Date.now() - started;
		return { main: this.main.url, webhook: this.webhook.url };
	}

	/** The lines matching `re`, from one process or all, since `since` (ms). */
	linesMatching(re, { from, since = 0 } = {}) {
		return this.lines.filter((l) => l.at >= since && (!from || l.from === from) && re.test(l.line));
	}

	/** Which worker ran each execution: {executionId: 'worker 1' | 'worker 2' | …}, from the workers' "Worker started execution" lines. */
	workerOfExecutions() {
		const of = {};
		for (const { from, line } of this.linesMatching(/Worker started execution \d+ /)) {
			if (!from.startsWith('worker ')) continue;
			of[/Worker started execution (\d+) /.exec(line)[1]] = from;
		}
		return of;
	}

	/** Runs SQL against n8n's PostgreSQL database (with the `pg` module of that n8n install). */
	async query(sql, params = []) {
		if (!this.db) {
			const { Client } = require(path.join(this.main.installDir, 'node_modules', 'pg'));
			this.db = new Client({ host: this.postgres.host, port: this.postgres.port, user: this.postgres.user, database: this.postgres.database });
			await this.db.connect();
		}
		return (await this.db.query(sql, params)).rows;
	}

	/**
	 * How many jobs Bull holds as active (taken by a worker, not ended yet): the worker slots in use
	 * (the list `bull:jobs:active` in Redis; read with the `ioredis` module of that n8n install).
	 */
	async activeJobs() {
		if (!this.redisClient) {
			const Redis = require(path.join(this.main.installDir, 'node_modules', 'ioredis'));
			this.redisClient = new Redis({ host: this.redis.host, port: this.redis.port, lazyConnect: true, maxRetriesPerRequest: 1 });
			await this.redisClient.connect();
		}
		return await this.redisClient.llen('bull:jobs:active');
	}

	/** Stops everything it started: the n8n processes, then PostgreSQL and Redis. */
	async stop() {
		await Promise.all([this.main, this.webhook, ...(this.workers ?? [])].map((n) => n?.stop()));
		await this.db?.end().catch(() => {});
		this.db = undefined;
		this.redisClient?.disconnect();
		this.redisClient = undefined;
		await this.postgres?.stop();
		await this.redis?.stop();
	}
}

module.exports = { QueueMode, QUEUE_VERSIONS };
