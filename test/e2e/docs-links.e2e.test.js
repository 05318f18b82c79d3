'use strict';

/*
 * Issue #30, point 5: the docs links n8n shows for this package work before the first release.
 * n8n's editor opens, for a node's "Docs" link, the node's documentationUrl when it is a URL,
 * else the first primaryDocumentation URL of its codex file (*.node.json) with n8n's utm
 * parameters, else, for a community node, the package's npm page: a 404 until the package is
 * on npm. A credential's help link is its documentationUrl. This file reads what the n8n that
 * loaded the packed package serves to its editor (/types/nodes.json, /types/credentials.json):
 * every one of those links is a page of GetBill's docs, none the npm page.
 *
 * Lane 'every version': the codex file is read by n8n's loader (n8n-core's directory loader),
 * which changes between versions. Report: .e2e/reports/docs-links-<version>.json.
 */

const { versionsFor, writeReport } = require('./lib/setup');
const { sharedN8n } = require('./lib/shared');

jest.setTimeout(180000);

const PKG = require('../../package.json');
const NPM_PAGE = `npmjs.com/package/${PKG.name}`;
const GETBILL_DOCS = 'https://docs.getbill.io';

/** The "Docs" link n8n 2.41's editor builds for a node type (NodeSettings, docsUrl). */
function editorDocsUrl(nodeType) {
	if (nodeType.documentationUrl?.startsWith('http')) return nodeType.documentationUrl;
	const primary = nodeType.codex?.resources?.primaryDocumentation?.[0]?.url;
	if (primary) return `${primary}?utm_source=n8n_app`;
	return `https://www.${NPM_PAGE}`;
}

describe.each(versionsFor('every version'))('docs links of the loaded package: n8n %s', (version) => {
	let n8n;
	const report = { version, cases: {} };

	beforeAll(async () => {
		n8n = await sharedN8n(version);
	});

	afterAll(() => writeReport(`docs-links-${version}.json`, report));

	test.each([
		['n8n-nodes-getbill.getBill', 'GetBill/GetBill.node.json'],
		['n8n-nodes-getbill.getBillTrigger', 'GetBillTrigger/GetBillTrigger.node.json'],
	])('%s: the codex n8n loaded is the source\'s, and the editor\'s Docs link is a GetBill docs page', async (name, codexFile) => {
		const nodeType = (await n8n.rest('/types/nodes.json')).find((n) => n.name === name);
		expect(nodeType).toBeDefined();
		const source = require(`../../nodes/${codexFile}`).resources;
		expect(nodeType.codex?.resources).toEqual({ primaryDocumentation: source.primaryDocumentation, credentialDocumentation: source.credentialDocumentation });
		const links = [editorDocsUrl(nodeType), ...source.credentialDocumentation.map((r) => r.url)];
		report.cases[name] = { editorDocsUrl: links[0], credentialDocumentation: links.slice(1) };
		for (const url of links) {
			expect(url).toMatch(/^https:\/\/docs\.getbill\.io(\/|\?|$)/);
			expect(url).not.toContain(NPM_PAGE);
		}
	});

	test('both credentials\' help links are GetBill\'s pages on them', async () => {
		const credentials = Object.fromEntries((await n8n.rest('/types/credentials.json')).map((c) => [c.name, c.documentationUrl]));
		report.cases.credentials = { getBillOAuth2Api: credentials.getBillOAuth2Api, getBillWebhookApi: credentials.getBillWebhookApi };
		expect(credentials.getBillOAuth2Api).toBe(`${GETBILL_DOCS}/authentication`);
		expect(credentials.getBillWebhookApi).toBe(`${GETBILL_DOCS}/guides/webhooks-integration`);
	});
});
