import type { INodeTypeDescription } from 'n8n-workflow';

/**
 * A node description with n8n 2.41's node-level `builderHint` for its AI
 * workflow builder (n8n-workflow's IBuilderHint, of which these two parts are
 * used), which the n8n-workflow 2.8 this package builds against lacks; n8n
 * 2.8 ignores it. Never on a property named operation, resource or mode:
 * n8n 2.41 refuses to load such a node. Both nodes use it, so it lives below
 * both: the trigger never imports the action node.
 */
export type WithBuilderHint = INodeTypeDescription & {
	builderHint?: { searchHint?: string; relatedNodes?: Array<{ nodeType: string; relationHint: string }> };
};
