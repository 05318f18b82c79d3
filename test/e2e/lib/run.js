'use strict';

/** Reading what `n8n execute --rawOutput` printed, for the resource suites. */

/** The items of the GetBill node's first output in a run. */
const outputOf = (run, nodeName = 'GetBill') => run?.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? [];

/** The GetBill node's items of a run that must have succeeded (throws with n8n's words otherwise). */
function succeeded(r) {
	const error = r.run?.data?.resultData?.error;
	if (!r.ok || error) throw new Error(`expected success: exit ${r.code}, ${error?.message ?? ''}\n${r.stderr.slice(-2000)}`);
	return outputOf(r.run);
}

/** Runs a workflow; returns the run plus the GetBill API requests (and file host requests) made during it. */
async function executeRecorded(n8n, server, id) {
	const before = { api: server.requests.length, files: server.fileRequests?.length ?? 0 };
	const r = await n8n.execute(id);
	return {
		...r,
		api: server.requests.slice(before.api).filter((q) => q.path.startsWith('/external-api/')),
		files: (server.fileRequests ?? []).slice(before.files),
	};
}

module.exports = { outputOf, succeeded, executeRecorded };
