import type { IContextObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * The node's execution context (`this.getContext('node')`), which n8n keeps
 * with the execution for the node's next try or run: where the Retry On Fail
 * memory (tries.ts) and the quotas (quotas.ts) live, each under its own key.
 */
export function nodeContext(ctx: IExecuteFunctions): IContextObject | undefined {
	try {
		return ctx.getContext?.('node');
	} catch {
		return undefined; // an n8n without a node context (tool runs of some versions): nothing kept
	}
}
