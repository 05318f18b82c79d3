/** The hosts Report Download may fetch from: GetBill's own (https on getbill.io), or the Base URL's hostname. */
import { allowedHostsText, isGetBillDomain, reportHostRefusal } from '../../nodes/GetBill/transport/hosts';

const GETBILL = 'https://getbill.io';
const SANDBOX = 'https://sandbox.example.com/';
const LOCAL = 'http://127.0.0.1:5678';

describe('reportHostRefusal', () => {
	it.each([
		// GetBill's domain over https, whatever the Base URL
		['https://secure-downloads.getbill.io/files/abc?signature=x', GETBILL],
		['https://secure-downloads.getbill.io/files/abc?signature=x', LOCAL],
		['https://getbill.io/files/abc', SANDBOX],
		['https://SECURE-Downloads.GetBill.IO./files/abc', GETBILL],
		['https://secure-downloads.getbill.io:8443/files/abc', GETBILL],
		['https://user:pass@secure-downloads.getbill.io/files/abc', GETBILL],
		// the Base URL's hostname, any port; http only when the Base URL is http
		['https://sandbox.example.com/files/abc', SANDBOX],
		['https://sandbox.example.com:9443/files/abc', SANDBOX],
		['http://127.0.0.1:40001/files/abc', LOCAL],
		['https://127.0.0.1/files/abc', LOCAL],
		['http://[::1]:40001/files/abc', 'http://[::1]:5678'],
	])('follows %s (Base URL %s)', (link, baseUrl) => {
		expect(reportHostRefusal(new URL(link), baseUrl)).toBeUndefined();
	});

	it.each([
		['http://secure-downloads.getbill.io/files/abc', GETBILL, 'http'],
		['http://getbill.io/files/abc', LOCAL, 'http'],
		['http://sandbox.example.com/files/abc', SANDBOX, 'http'],
		['https://evil.example/files/abc', GETBILL, 'host'],
		['https://evilgetbill.io/files/abc', GETBILL, 'host'],
		['https://getbill.io.evil.example/files/abc', GETBILL, 'host'],
		['https://secure-downloads.getbill.io@evil.example/files/abc', GETBILL, 'host'],
		['https://getbill.io%2F@evil.example/', GETBILL, 'host'],
		['http://169.254.169.254/latest/meta-data/', GETBILL, 'host'],
		['http://127.0.0.2:40001/files/abc', LOCAL, 'host'],
		['http://localhost:40001/files/abc', LOCAL, 'host'],
		['http://sandbox.example.com.evil.example/', SANDBOX, 'host'],
		['https://evil.example/', 'not a url', 'host'],
		['ftp://secure-downloads.getbill.io/files/abc', GETBILL, 'scheme'],
		['file:///etc/passwd', LOCAL, 'scheme'],
	])('refuses %s (Base URL %s): %s', (link, baseUrl, reason) => {
		expect(reportHostRefusal(new URL(link), baseUrl)).toBe(reason);
	});

	it('takes linear time: long look-alike links are decided at once', () => {
		const inputs = [
			`https://${'a.'.repeat(100_000)}getbill.io.evil.example/`,
			`https://${'getbill.io.'.repeat(20_000)}evil.example/`,
			`https://${'@'.repeat(100_000)}evil.example/`,
			`https://${'x'.repeat(60)}.${'getbill.io'.repeat(20_000)}/`,
		];
		const started = Date.now();
		for (const link of inputs) expect(reportHostRefusal(new URL(link), GETBILL)).toBe('host');
		expect(isGetBillDomain(`${'a.'.repeat(100_000)}getbill.io`)).toBe(true);
		expect(Date.now() - started).toBeLessThan(2_000);
	});
});

describe('allowedHostsText', () => {
	it('names getbill.io, and the Base URL host when it is another one', () => {
		expect(allowedHostsText(GETBILL)).toBe("Only GetBill's own hosts are followed: getbill.io and its subdomains (such as secure-downloads.getbill.io) over https");
		expect(allowedHostsText(SANDBOX)).toContain('the host of the credential\'s Base URL ("sandbox.example.com", any port, over https)');
		expect(allowedHostsText(LOCAL)).toContain('("127.0.0.1", any port, over https or http, as the Base URL is http)');
	});
});
