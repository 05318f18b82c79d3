'use strict';

const path = require('path');
const fs = require('fs');
const { src, dest, parallel, series } = require('gulp');

// `n8n-node build` compiles the code (tsc) and copies every .png and .svg of
// the project into dist/; gulp then adds what it does not copy (the codex
// files and the package entry point) and keeps in dist/ only what the package
// ships, so README screenshots (docs/*.png) never end up in it.
const SHIPPED = new Set(['nodes', 'credentials', 'index.js']);

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

function copyEntry() {
	return src('index.js').pipe(dest('dist'));
}

function keepShippedOnly(done) {
	const dist = path.join(__dirname, 'dist');
	for (const entry of fs.readdirSync(dist)) {
		if (!SHIPPED.has(entry)) fs.rmSync(path.join(dist, entry), { recursive: true, force: true });
	}
	done();
}

function clean(done) {
	fs.rmSync(path.join(__dirname, 'dist'), { recursive: true, force: true });
	done();
}

exports['build:package'] = series(parallel(copyCodex, copyEntry), keepShippedOnly);
exports.clean = clean;
exports.default = exports['build:package'];
