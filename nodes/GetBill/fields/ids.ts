/** The ID parameters of the operations (Followup ID, Debt ID, …), described once each. */

/** An ID parameter: its label, what it identifies, an example and what to do when it is wrong. */
export interface IdSpec {
	name: string;
	displayName: string;
	/** What it identifies, e.g. "debt" */
	noun: string;
	example: string;
	placeholder: string;
	hint: string;
}

/** The ID of a resource: `followupId`, "Followup ID", … */
export function idSpec(noun: string, example: string): IdSpec {
	const label = noun[0].toUpperCase() + noun.slice(1);
	return {
		name: `${noun}Id`,
		displayName: `${label} ID`,
		noun,
		example,
		placeholder: `e.g. ${example}`,
		hint: `Enter the encrypted ID of the ${noun} (e.g. ${example}), or map it from a previous node with an expression.`,
	};
}

/** What a 404 about that ID says. */
export function notFound(id: IdSpec, value: string) {
	const label = id.noun[0].toUpperCase() + id.noun.slice(1);
	return {
		message: `${label} "${value}" not found`,
		description: `Check the ${id.displayName}: it must be the encrypted ID GetBill gives the ${id.noun} (e.g. ${id.example}), and the ${id.noun} must belong to your company.`,
	};
}
