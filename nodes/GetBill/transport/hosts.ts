/**
 * The hosts the node fetches a report file from (Report → Download): GetBill's
 * own. The check uses the URL parser and string comparisons only (no regular
 * expression), so it takes time linear in the link's length.
 */

/** GetBill's domain: report files come from https on it or a subdomain (reports.md: secure-downloads.getbill.io). */
export const GETBILL_DOMAIN = 'getbill.io';

/** How many redirects of the file host the node follows, each checked like the link. */
export const MAX_REPORT_REDIRECTS = 5;

/**
 * Why a report link may not be fetched: `scheme`, not http(s); `host`, not one
 * of GetBill's hosts; `http`, one of GetBill's hosts over plain http, allowed
 * only on the Base URL's hostname when the Base URL itself is http.
 */
export type ReportHostRefusal = 'scheme' | 'host' | 'http';

/** A hostname as compared: the URL parser's (lower case, punycode), without one trailing dot. */
function hostKey(hostname: string): string {
	return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

/** Whether a hostname is getbill.io or one of its subdomains. */
export function isGetBillDomain(hostname: string): boolean {
	const key = hostKey(hostname);
	return key === GETBILL_DOMAIN || key.endsWith(`.${GETBILL_DOMAIN}`);
}

/** The credential's Base URL as a URL, when it is an http(s) one. */
export function parseBaseUrl(baseUrl: string): URL | undefined {
	try {
		const url = new URL(baseUrl);
		return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Whether the node may request `url` for a report file; undefined when it may.
 * Allowed: https on getbill.io or a subdomain; the hostname of the
 * credential's Base URL (a sandbox, a local test server), on any port, over
 * https, or over http when the Base URL is http. Everything else is refused.
 */
export function reportHostRefusal(url: URL, baseUrl: string): ReportHostRefusal | undefined {
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'scheme';
	const base = parseBaseUrl(baseUrl);
	const onBaseHost = base !== undefined && url.hostname !== '' && hostKey(url.hostname) === hostKey(base.hostname);
	if (!onBaseHost && !isGetBillDomain(url.hostname)) return 'host';
	if (url.protocol === 'https:') return undefined;
	return onBaseHost && base.protocol === 'http:' ? undefined : 'http';
}

/** The host a message names: hostname and port (when not the scheme's default). */
export const hostLabel = (url: URL): string => url.host;

/** The rule, for a description: which hosts are followed with this Base URL. */
export function allowedHostsText(baseUrl: string): string {
	const base = parseBaseUrl(baseUrl);
	const getbill = `${GETBILL_DOMAIN} and its subdomains (such as secure-downloads.${GETBILL_DOMAIN}) over https`;
	if (!base || (isGetBillDomain(base.hostname) && base.protocol === 'https:')) return `Only GetBill's own hosts are followed: ${getbill}`;
	const scheme = base.protocol === 'http:' ? 'over https or http, as the Base URL is http' : 'over https';
	return `Only GetBill's own hosts are followed: ${getbill}, or the host of the credential's Base URL ("${base.hostname}", any port, ${scheme})`;
}
