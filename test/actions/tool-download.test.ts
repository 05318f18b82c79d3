/**
 * Report Download as an AI Agent's tool (issue #22, part 4): n8n hands the
 * model only the JSON of a tool's output items (binary data is dropped, and
 * an item with nothing but a file reaches the model as an error), so as a
 * tool the item's JSON says which file was downloaded, its type and size, and
 * where the file is. Outside a tool, the output is what it was.
 */
import { newCredentials, runGetBill } from '../helpers/n8n-harness';
import { useGetBillServer } from '../helpers/server';

const gb = useGetBillServer({ followupIds: [], clients: [{ clientId: 'test-client-id', clientSecret: 'test-client-secret', scopes: ['reports:read'] }] });
const { server } = gb;
const locator = (value: string) => ({ __rl: true, mode: 'id', value });

beforeAll(() => {
	server.seedReport('report_jan', {});
});

const run = ({ parameters, asTool = true }: { parameters: Record<string, unknown>; asTool?: boolean }) =>
	runGetBill({ credentials: newCredentials(gb.url, { scope: 'reports:read' }), parameters: parameters as never, typeVersion: 2, asTool });

describe('Report Download as a tool', () => {
	const DOWNLOAD = { resource: 'report', operation: 'download', reportId: locator('report_jan') };

	it('gives the model the file\'s details and where the file is; the binary stays on the item', async () => {
		const result = await run({ parameters: DOWNLOAD });
		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		const bytes = server.reportFiles.get('report_jan')!.length;
		expect(item.json).toEqual({
			id: 'report_jan',
			filename: 'financial_summary_2024_01.pdf',
			mime_type: 'application/pdf',
			file_size: bytes,
			note: `The file "financial_summary_2024_01.pdf" (application/pdf, ${bytes} bytes) was downloaded and is attached to this tool's output as binary data (field "data") for the workflow; files are not passed to the model, only these details.`,
		});
		expect(item.binary!.data).toMatchObject({ fileName: 'financial_summary_2024_01.pdf', mimeType: 'application/pdf' });
		// What the model reads: no link (a one-hour credential for the file), no binary
		expect(JSON.stringify(result.outputs[0].map((o) => o.json))).not.toMatch(/signature|download_url|expires/);
	});

	it('outside a tool, outputs what it did before: GetBill\'s details without the link, and the file', async () => {
		const result = await run({ parameters: DOWNLOAD, asTool: false });
		const [item] = result.outputs[0];
		expect(Object.keys(item.json)).toEqual(['id', 'filename', 'file_size', 'mime_type', 'expires_at']);
		expect(item.binary!.data.fileName).toBe('financial_summary_2024_01.pdf');
	});
});
