/**
 * A failed request's description when the node runs as an AI Agent's tool
 * (`ErrorContext.forTool`), which the router puts into the message the model
 * reads (see `forModel` in actions/run/errors.ts). A model changes only its
 * arguments: it is told which argument and which values, or that no argument
 * can help and whether calling again is safe; never the editor's places (the
 * credential, Options, Additional Fields) that a person's description names.
 * Where the person's words speak only of the values sent (GetBill's field
 * errors, an ID not found), they stay.
 */
import type { ErrorContext, HttpFailure, RequestKind } from './types';
import { retryAfterSeconds } from './retry';

const SET_UP = 'This comes from how the tool is set up (its GetBill credential), which no argument can change.';

/** Whether calling again may do the write twice. */
function callingAgain(kind: RequestKind, noun: string): string {
	switch (kind) {
		case 'read':
			return 'Calling again is safe: it only reads.';
		case 'update':
			return 'Calling again is safe: the update sets the same values.';
		case 'create':
			return `Before calling again, check whether the ${noun} was created: a create sent twice makes two.`;
		case 'delete':
			return `Before calling again, check whether the ${noun} was deleted.`;
	}
}

function detail(failure: HttpFailure, name: string): unknown {
	const body = failure.body as { details?: Record<string, unknown> } | undefined;
	return typeof body?.details === 'object' && body.details !== null ? body.details[name] : undefined;
}

/** GetBill's words for a refused phone in a costly destination (it names the destination and the cost). */
const isExpensiveDestination = (failure: HttpFailure): boolean => {
	const message = (failure.body as { message?: unknown } | undefined)?.message;
	return typeof message === 'string' && /expensive destination/i.test(message);
};

/**
 * What the model is told instead of `description` (the person's words),
 * given whether the failure was the network's (`network`: no answer at all).
 */
export function toolDescription(failure: HttpFailure, ctx: ErrorContext, description: string, network: boolean): string {
	const again = callingAgain(ctx.kind ?? 'update', ctx.noun ?? 'followup');
	const status = failure.status;
	if (failure.duringTokenRequest) return `Nothing was sent. ${SET_UP}`;
	if (failure.gaveUp?.outcomeUnknown) {
		const why = failure.gaveUp.why === 'timeout' ? 'did not answer in time' : 'had not answered when the run was stopped';
		return `GetBill ${why}, so it may or may not have done it. ${again}`;
	}
	if (failure.gaveUp) return `GetBill did not answer in time: calling again later may work. ${again}`;
	if (status === undefined) return network ? `GetBill did not answer: calling again later may work. ${again}` : `${SET_UP} ${again}`;
	if (status === 401) return `Nothing was done. ${SET_UP}`;
	if (status === 403) return `GetBill does not let the tool ${ctx.action}, so nothing was done. ${SET_UP}`;
	if (status === 429) {
		const seconds = retryAfterSeconds(failure);
		const reset = detail(failure, 'reset_time');
		const until = typeof reset === 'string' ? ` (the limit resets at ${reset})` : '';
		return seconds === undefined
			? `Nothing was done: call again later${until}.`
			: `Nothing was done: call again in ${seconds} second${seconds === 1 ? '' : 's'}${until}.`;
	}
	if (status >= 500) return `This is usually temporary: calling again later may work. ${again}`;
	if ((status === 400 || status === 422) && isExpensiveDestination(failure)) {
		return 'The phone number is in a destination where calls cost more (GetBill names it and the cost above). Give another phone or an email, or accept_expensive_destination true to accept that cost.';
	}
	return description;
}
