/**
 * One GetBill-like server per test file: started before the suite, stopped
 * after it, its records reset (and fresh n8n credentials made) before each test.
 */
import type { Client } from '../server/getbill-server';
import { GetBillServer } from '../server/getbill-server';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { RunOptions, TestCredentialsHelper } from './n8n-harness';
import { newCredentials, runGetBill } from './n8n-harness';

export interface ServerFixture {
	server: GetBillServer;
	/** The credentials of the current test (new each test: no token yet) */
	readonly credentials: TestCredentialsHelper;
	readonly url: string;
}

export function useGetBillServer(options: { followupIds?: string[]; clients?: Client[]; rateLimit?: number } = {}): ServerFixture {
	const server = new GetBillServer(options);
	let url = '';
	let credentials: TestCredentialsHelper | undefined;
	beforeAll(async () => {
		url = await server.start();
	});
	afterAll(async () => {
		await server.stop();
	});
	beforeEach(() => {
		server.reset();
		credentials = newCredentials(url);
	});
	return {
		server,
		get credentials() {
			return credentials!;
		},
		get url() {
			return url;
		},
	};
}

/** A client-credentials token from the server at `baseUrl` (client credentials in the body, as GetBill takes them). */
export async function clientToken(baseUrl: string, client: Client): Promise<string> {
	const response = await fetch(`${baseUrl}/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: client.clientId,
			client_secret: client.clientSecret,
			scope: client.scopes.join(' '),
		}).toString(),
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { access_token: string }).access_token;
}

/** What a test adds to a run besides the credential and the node's parameters. */
export type RunExtra = Omit<RunOptions, 'credentials' | 'parameters'>;

/**
 * Runs the GetBill node (version 2 unless `extra` says) against the fixture's
 * server with a credential asking for `scopes`: `run(resource, operation, parameters, extra)`.
 */
export function nodeRunner(gb: ServerFixture, scopes: string[]) {
	return (resource: string, operation: string, parameters: IDataObject, extra: RunExtra = {}) =>
		runGetBill({
			credentials: newCredentials(gb.url, { scope: scopes.join(' ') }),
			parameters: { resource, operation, ...parameters } as INodeParameters,
			typeVersion: 2,
			...extra,
		});
}
