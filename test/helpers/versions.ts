import type { INodeProperties } from 'n8n-workflow';

/** Whether the editor shows a property in a node version (its `@version` display option: numbers or `{_cnd: {gte}}`). */
export function shownInVersion(p: INodeProperties, version: number): boolean {
	const versions = p.displayOptions?.show?.['@version'];
	if (!versions) return true;
	return versions.some((v) => {
		if (typeof v === 'number') return v === version;
		const cnd = (v as { _cnd?: { gte?: number; eq?: number } })._cnd;
		return cnd?.gte !== undefined ? version >= cnd.gte : cnd?.eq === version;
	});
}
