/**
 * One GetBill-like server per test file: started before the suite, stopped
 * after it, its records reset (and fresh n8n credentials made) before each test.
 */
import type { Client } from '../server/getbill-server';
import { GetBillServer } from '../server/getbill-server';
import type { TestCredentialsHelper } from './n8n-harness';
import { newCredentials } from './n8n-harness';

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
