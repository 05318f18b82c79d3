/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, no-console -- runs dependency-cruiser and reads the sources, and prints the circles and long functions it finds; tests run in Node.js, not inside n8n Cloud: they read files, start processes and use process */
/**
 * The code's structure (issue #29): no import circle in nodes/ or
 * credentials/ (checked by `npm run lint` with dependency-cruiser, type-only
 * imports included), and no function there over 80 lines (measured with the
 * TypeScript compiler, nested functions counted in their parent's span).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The lint script's dependency-cruiser command, as `npm run lint` runs it (its arguments after `depcruise`). */
function depcruiseArgs(): string[] {
	const step = pkg.scripts.lint
		.split('&&')
		.map((part) => part.trim())
		.find((part) => part.startsWith('depcruise '));
	if (step === undefined) throw new Error(`npm run lint runs no depcruise: "${pkg.scripts.lint}"`);
	return step.split(/\s+/).slice(1);
}

/** Runs the lint's import-graph check in `cwd`: its exit code and what it printed. */
function cruise(cwd: string): { status: number | null; output: string } {
	const bin = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
	const run = spawnSync(process.execPath, [bin, ...depcruiseArgs()], { cwd, encoding: 'utf8', timeout: 60_000 });
	return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The circles dependency-cruiser reported, one line each ("a.ts → b.ts → a.ts"). */
function circlesIn(output: string): string[] {
	return output
		.split(/\n(?=\s*error no-circular:)/)
		.filter((block) => /error no-circular:/.test(block))
		.map((block) =>
			block
				.replace(/^\s*error no-circular:/, '')
				.split(/\n\s*\n|\nx /)[0]
				.split('→')
				.map((module) => module.trim())
				.join(' → '),
		);
}

/** A copy of what the check reads: nodes/, credentials/, the tsconfig and the check's config. */
function copyOfTree(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-structure-'));
	for (const entry of ['nodes', 'credentials', 'tsconfig.json', '.dependency-cruiser.cjs']) {
		fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
	}
	return dir;
}

describe('import circles (npm run lint)', () => {
	it('npm run lint runs dependency-cruiser beside n8n-node lint, on nodes/ and credentials/', () => {
		expect(pkg.scripts.lint).toMatch(/^n8n-node lint && depcruise /);
		expect(depcruiseArgs()).toEqual(expect.arrayContaining(['nodes', 'credentials']));
		// The ESLint config stays n8n's default (n8n Cloud's eligibility check requires it).
		expect(fs.readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8').trim()).toBe(
			"import { config } from '@n8n/node-cli/eslint';\n\nexport default config;",
		);
	});

	it('fails on circles planted in a copy of the tree (a type-only one in nodes/, one in credentials/) and names them', () => {
		const dir = copyOfTree();
		try {
			// The circle #29 removed, back as a type-only import: errors.ts imports retry.ts, retry.ts errors.ts.
			fs.appendFileSync(
				path.join(dir, 'nodes/GetBill/transport/retry.ts'),
				"\nimport type { DescribedError } from './errors';\nexport type Planted = DescribedError;\n",
			);
			fs.writeFileSync(path.join(dir, 'credentials/plantedA.ts'), "import { b } from './plantedB';\nexport const a = () => b;\n");
			fs.writeFileSync(path.join(dir, 'credentials/plantedB.ts'), "import { a } from './plantedA';\nexport const b = () => a;\n");
			const { status, output } = cruise(dir);
			const circles = circlesIn(output);
			console.log(`The check on the planted copy (exit code ${status}):\n${circles.join('\n') || output}`);
			expect(status).not.toBe(0);
			expect(circles).toEqual(
				expect.arrayContaining([
					expect.stringMatching(/^nodes\/GetBill\/transport\/(errors|retry)\.ts → nodes\/GetBill\/transport\/(errors|retry)\.ts → nodes\/GetBill\/transport\/(errors|retry)\.ts$/),
					expect.stringMatching(/^credentials\/planted[AB]\.ts → credentials\/planted[AB]\.ts → credentials\/planted[AB]\.ts$/),
				]),
			);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('finds no circle in nodes/ and credentials/', () => {
		const { status, output } = cruise(root);
		const circles = circlesIn(output);
		console.log(`Import circles in nodes/ and credentials/ (exit code ${status}): ${circles.length ? `\n${circles.join('\n')}` : 'none'}`);
		expect(circles).toEqual([]);
		expect(status).toBe(0);
	});
});

/** The longest a function in nodes/ or credentials/ may be, in lines. */
const MAX_FUNCTION_LINES = 80;

interface FunctionSpan {
	file: string;
	/** 1-based line where the function starts (its name or keyword) */
	line: number;
	name: string;
	/** Lines from its first to its last, nested functions included */
	lines: number;
}

/** Every function of a source (declarations, methods, accessors, constructors, arrow functions, function expressions) and its line span. */
function functionSpans(file: string, text: string): FunctionSpan[] {
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
	const spans: FunctionSpan[] = [];
	const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line + 1;
	const visit = (node: ts.Node): void => {
		if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
			const line = lineOf(node.getStart(source));
			const parent = node.parent;
			const named = node.name ?? (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) ? parent.name : undefined);
			const name = named ? named.getText(source) : ts.isConstructorDeclaration(node) ? 'constructor' : '(anonymous)';
			spans.push({ file, line, name, lines: lineOf(node.getEnd()) - line + 1 });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return spans;
}

function sourcesUnder(dir: string): string[] {
	return fs
		.readdirSync(dir, { withFileTypes: true })
		.flatMap((entry) => (entry.isDirectory() ? sourcesUnder(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []));
}

describe(`function length (at most ${MAX_FUNCTION_LINES} lines)`, () => {
	it('measures every kind of function, nested ones inside their parent\'s span', () => {
		const body = (lines: number) => Array.from({ length: lines }, (_, i) => `\tconst v${i} = ${i};`).join('\n');
		const text = [
			`export function outer(): number {`, // line 1: 1 + 78 + inner + return + } = 82 lines
			body(78),
			`\tconst inner = () => 1;`,
			`\treturn inner();`,
			`}`,
			`class Shape {`,
			`\tmethod(): number {`, // line 84: 1 + 77 + 1 + 1 = 80 lines, allowed
			body(77),
			`\t\treturn 1;`,
			`\t}`,
			`}`,
			`export const arrow = function (): void {};`,
		].join('\n');
		const spans = functionSpans('planted.ts', text);
		expect(spans.map(({ name, line, lines }) => `${name}:${line}:${lines}`)).toEqual([
			'outer:1:82',
			'inner:80:1',
			'method:84:80',
			'arrow:165:1',
		]);
		expect(spans.filter((span) => span.lines > MAX_FUNCTION_LINES).map((span) => span.name)).toEqual(['outer']);
	});

	it(`no function in nodes/ or credentials/ is over ${MAX_FUNCTION_LINES} lines`, () => {
		const spans = [...sourcesUnder(path.join(root, 'nodes')), ...sourcesUnder(path.join(root, 'credentials'))].flatMap((file) =>
			functionSpans(path.relative(root, file), fs.readFileSync(file, 'utf8')),
		);
		expect(spans.length).toBeGreaterThan(100);
		const offenders = spans
			.filter((span) => span.lines > MAX_FUNCTION_LINES)
			.map((span) => `${span.file}:${span.line} ${span.name} (${span.lines} lines)`);
		if (offenders.length) console.log(`Functions over ${MAX_FUNCTION_LINES} lines:\n${offenders.join('\n')}`);
		expect(offenders).toEqual([]);
	});
});
