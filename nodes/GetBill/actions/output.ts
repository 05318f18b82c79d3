/**
 * What a read (Get, Get Many) outputs of each record GetBill returns: in the
 * editor, version 2's Simplify; as an AI Agent's tool (version 2), the Tool
 * Output the model gets back (n8n hands it `JSON.stringify` of the output
 * items' JSON): Simplified, Raw or Selected Fields.
 *
 * A tool saved before Tool Output existed keeps its output. n8n runs a node
 * with its saved parameters cut to those shown (`getNodeParameters`), and a
 * tool shows what `'@tool': [true]` shows (the node type's name ends in
 * `Tool`), so a tool's Simplify is shown only while it is off: such a tool
 * keeps `simple: false` (and stays Raw), and Tool Output, shown only while
 * Simplify is on, decides for every other tool. Where the editor has no
 * Simplify (reports, users), a saved tool gave every field: Tool Output's
 * default there is Raw.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { FROM_V2, showFor } from '../fields/properties';
import type { ReadFields } from '../fields/types';
import { showValue } from '../fields/values';

export const TOOL_OUTPUTS = ['raw', 'selectedFields', 'simplified'] as const;
export type ToolOutput = (typeof TOOL_OUTPUTS)[number];

/** Shown only when the node is an AI Agent's tool (n8n's `…Tool` type), or only when it is not. */
const AS_TOOL = { '@tool': [true] };
const NOT_AS_TOOL = { '@tool': [false] };

/** Tool Output's default: Simplified, or Raw where a tool gave every field before (no Simplify). */
const defaultToolOutput = (reads: ReadFields): ToolOutput => (reads.simplified ? 'simplified' : 'raw');

/** The fields a tool's Simplified keeps. */
const toolSimplified = (reads: ReadFields): readonly string[] => reads.simplified ?? reads.toolSimplified ?? [];

/**
 * The output parameters of a resource's reads: Simplify (where the resource
 * has it) and, as a tool, Tool Output and its Fields to Return; version 2 only.
 */
export function outputProperties(reads: ReadFields, operations: string[]): INodeProperties[] {
	const show = (extra: IDataObject) => showFor(reads.resource, operations, { ...FROM_V2, ...extra });
	const simplifyOn = reads.simplified ? { simple: [true] } : {};
	const simplify: INodeProperties[] = reads.simplified
		? [
				{
					displayName: 'Simplify',
					name: 'simple',
					type: 'boolean',
					default: true,
					description: 'Whether to return a simplified version of the response instead of the raw data',
					hint: `On: only ${reads.simplified.join(', ')} (those GetBill returns). Off: every field.`,
					displayOptions: show(NOT_AS_TOOL),
				},
				{
					displayName: 'Simplify',
					name: 'simple',
					type: 'boolean',
					default: true,
					description: 'Whether to return a simplified version of the response instead of the raw data',
					hint: 'This tool was saved with Simplify off, so it returns every field. Turn it on to choose the Tool Output (Simplified, Raw or Selected Fields).',
					displayOptions: { ...show(AS_TOOL), hide: { simple: [true] } },
				},
			]
		: [];
	return [
		...simplify,
		{
			displayName: 'Tool Output',
			name: 'toolOutput',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Raw', value: 'raw', description: `Every field GetBill returns for a ${reads.noun}` },
				{ name: 'Selected Fields', value: 'selectedFields', description: 'Only the fields listed in Fields to Return' },
				{ name: 'Simplified', value: 'simplified', description: `Only ${toolSimplified(reads).join(', ')}: fewer tokens for the model` },
			],
			default: defaultToolOutput(reads),
			description: `What the tool returns to the model for each ${reads.noun}`,
			displayOptions: show({ ...AS_TOOL, ...simplifyOn }),
		},
		{
			displayName: 'Fields to Return',
			name: 'toolFields',
			type: 'string',
			required: true,
			default: '',
			placeholder: `e.g. ${toolSimplified(reads).slice(0, 3).join(', ')}`,
			description: `Comma-separated ${reads.noun} fields to return, as GetBill names them`,
			hint: `A ${reads.noun} has: ${(reads.returned ?? []).join(', ')}`,
			displayOptions: show({ ...AS_TOOL, ...simplifyOn, toolOutput: ['selectedFields'] }),
		},
	];
}

/** The fields kept, in the order given (those the answer has); the rest is left out. */
export function simplify(json: IDataObject, fields: readonly string[]): IDataObject {
	const kept: IDataObject = {};
	for (const name of fields) if (name in json) kept[name] = json[name];
	return kept;
}

/**
 * The fields an item's output keeps, or undefined for every field GetBill
 * returned: version 2's Simplify outside a tool, a tool's Tool Output (a tool
 * saved with Simplify off: every field). Read before any request: Selected
 * Fields naming a field the resource does not have is refused here.
 */
export function outputFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	reads: ReadFields | undefined,
	asTool: boolean,
): readonly string[] | undefined {
	if (!reads || ctx.getNode().typeVersion < 2) return undefined;
	const simple = reads.simplified ? ctx.getNodeParameter('simple', itemIndex, true) : true;
	if (!asTool) return simple === true ? reads.simplified : undefined;
	if (simple === false) return undefined;
	const mode = ctx.getNodeParameter('toolOutput', itemIndex, defaultToolOutput(reads)) as unknown;
	if (mode === 'raw') return undefined;
	if (mode === 'simplified') return toolSimplified(reads);
	if (mode === 'selectedFields') return readToolFields(ctx, itemIndex, reads);
	throw new NodeOperationError(ctx.getNode(), `Tool Output is not one of ${TOOL_OUTPUTS.join(', ')}: ${showValue(mode)} [item ${itemIndex}]`, {
		itemIndex,
		description: 'This comes from how the tool is set up (its Tool Output), which no argument can change; nothing was sent.',
	});
}

/** How far apart two names are (edits of one character), for "Did you mean". */
function distance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
		}
		previous = current;
	}
	return previous[b.length];
}

/** The known field a wrong name most likely meant: the same but for case and `_`, or at most two edits away. */
function closestField(name: string, known: readonly string[]): string | undefined {
	const squash = (text: string) => text.toLowerCase().replace(/[\s_-]/g, '');
	const exact = known.find((field) => squash(field) === squash(name));
	if (exact) return exact;
	let best: string | undefined;
	let bestDistance = 3;
	for (const field of known) {
		const d = distance(squash(name), squash(field));
		if (d < bestDistance) [best, bestDistance] = [field, d];
	}
	return best;
}

/**
 * Fields to Return of one item (comma-separated, or a list from an
 * expression), checked against the fields GetBill documents for the
 * resource. A refusal names the parameter, the value and the item, and says
 * which names exist; as the model reads it, also whether an argument can fix
 * it (Fields to Return filled with `$fromAI(...)`) or only the tool's set-up.
 */
function readToolFields(ctx: IExecuteFunctions, itemIndex: number, reads: ReadFields): string[] {
	const raw = ctx.getNodeParameter('toolFields', itemIndex, '') as unknown;
	const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [];
	const names = [...new Set(list.map((name) => name.trim()).filter(Boolean))];
	const known = reads.returned ?? [];
	const byModel = /\$fromAI\s*\(/.test(String(ctx.getNode().parameters.toolFields ?? ''));
	const fix = byModel
		? `Call again with names from that list, comma-separated (e.g. ${toolSimplified(reads).slice(0, 3).join(', ')}).`
		: 'This comes from how the tool is set up (its Fields to Return), which no argument can change.';
	const fields = `The ${reads.noun} fields are: ${known.join(', ')}. Nothing was sent.`;
	if (names.length === 0) {
		throw new NodeOperationError(ctx.getNode(), `Fields to Return (toolFields) names no field: ${showValue(raw)} [item ${itemIndex}]`, {
			itemIndex,
			description: `${fields} ${fix}`,
		});
	}
	const unknown = names.filter((name) => !known.includes(name));
	if (unknown.length > 0) {
		const quoted = unknown.map((name) => `"${name}"`).join(', ');
		const guesses = unknown
			.map((name) => [name, closestField(name, known)] as const)
			.filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
			.map(([name, guess]) => `"${guess}" for "${name}"`);
		const guessText = guesses.length ? `Did you mean ${guesses.join(', ')}? ` : '';
		throw new NodeOperationError(
			ctx.getNode(),
			`Fields to Return (toolFields) names ${unknown.length === 1 ? 'a field' : 'fields'} a ${reads.noun} does not have: ${quoted} in ${showValue(raw)} [item ${itemIndex}]`,
			{ itemIndex, description: `${guessText}${fields} ${fix}` },
		);
	}
	return names;
}
