import type { IExecuteFunctions } from 'n8n-workflow';

import { isSafeToRepeat } from '../../transport';
import type { RequestKind } from '../../transport/types';
import type { WhenQuotaRunsOut } from '../../transport/quota';
import { readWhenQuotaRunsOut } from '../options';
import { runsAsTool } from '../readers';

/** What the run decides once, from the operation's kind and the node's settings, before any item. */
export interface RunPolicy {
	kind: RequestKind;
	/** A read or an update: may be sent again (n8n's Retry On Fail, a concurrent run) */
	safeToRepeat: boolean;
	continueOnFail: boolean;
	/** "Continue (using error output)": error items also carry the error, for n8n's error branch */
	toErrorOutput: boolean;
	/** As an AI Agent's tool: one output, errors worded for the model */
	asTool: boolean;
	/** The write quota's option; as a tool, Output Unsent Items reads as Stop (the agent reads one output) */
	whenSpent: WhenQuotaRunsOut;
	/**
	 * A create or delete in a run that a failure stops: every item is checked
	 * before the first request, then sent one at a time, none after a failure.
	 */
	oneAtATime: boolean;
}

export function readPolicy(ctx: IExecuteFunctions, kind: RequestKind): RunPolicy {
	const safeToRepeat = isSafeToRepeat(kind);
	const asTool = runsAsTool(ctx);
	const chosen = readWhenQuotaRunsOut(ctx, kind);
	const continueOnFail = ctx.continueOnFail();
	return {
		kind,
		safeToRepeat,
		continueOnFail,
		toErrorOutput: ctx.getNode().onError === 'continueErrorOutput',
		asTool,
		whenSpent: chosen === 'outputUnsent' && asTool ? 'stop' : chosen,
		oneAtATime: !safeToRepeat && !continueOnFail,
	};
}
