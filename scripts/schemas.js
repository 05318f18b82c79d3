'use strict';

/*
 * `npm run schemas`: writes the GetBill node's output schemas
 * (nodes/GetBill/__schema__/v2.0.0/<resource>/<operation>.json) from the
 * resource tables, as scripts/output-schemas.ts derives them, and removes
 * schema files no operation has any more. `npm run schemas -- --check` writes
 * nothing and fails when a file differs (test/schemas.test.ts checks the same).
 * `n8n-node build` copies the files into dist/.
 */

const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const ROOT = path.join(__dirname, '..');
const SCHEMA_DIR = path.join(ROOT, 'nodes', 'GetBill', '__schema__');

/** Loads the TypeScript sources (the generator and the node's tables) as CommonJS, transpiled on the fly. */
function requireTs(file) {
	require.extensions['.ts'] ??= (module, filename) => {
		const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
			fileName: filename,
			compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
		});
		module._compile(outputText, filename);
	};
	return require(file);
}

/** Every .json file under `dir`, by its path relative to it (with `/`). */
function listed(dir, base = dir) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return listed(full, base);
		return entry.name.endsWith('.json') ? [path.relative(base, full).split(path.sep).join('/')] : [];
	});
}

function main() {
	const check = process.argv.includes('--check');
	const files = requireTs(path.join(ROOT, 'scripts', 'output-schemas.ts')).schemaFiles();
	const stale = listed(SCHEMA_DIR).filter((name) => !files.has(name));
	const changed = [...files].filter(([name, text]) => {
		const file = path.join(SCHEMA_DIR, name);
		return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text;
	});
	if (check) {
		for (const [name] of changed) console.error(`differs from the tables: ${name}`);
		for (const name of stale) console.error(`no operation has it: ${name}`);
		if (changed.length || stale.length) {
			console.error('Run `npm run schemas` and commit the result.');
			process.exitCode = 1;
		} else console.log(`${files.size} output schemas match the tables.`);
		return;
	}
	for (const [name, text] of changed) {
		const file = path.join(SCHEMA_DIR, name);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, text);
	}
	for (const name of stale) fs.rmSync(path.join(SCHEMA_DIR, name));
	console.log(`${files.size} output schemas: ${changed.length} written, ${stale.length} removed (nodes/GetBill/__schema__/).`);
}

main();
