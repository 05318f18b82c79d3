/**
 * Import-graph check run by `npm run lint` beside `n8n-node lint`: no import
 * circle in nodes/ or credentials/, type-only imports included. Only this one
 * rule; everything else below is what TypeScript resolution needs.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			severity: 'error',
			comment:
				'An import circle: types two layers need live below both (for example transport/types.ts); see docs/development.md.',
			from: {},
			to: { circular: true },
		},
	],
	options: {
		includeOnly: '^(nodes|credentials)/',
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		enhancedResolveOptions: {
			extensions: ['.ts', '.js', '.json'],
		},
	},
};
