'use strict';

const path = require('path');
const fs = require('fs');
const { src, dest, parallel } = require('gulp');

// TypeScript compiles the code; gulp copies what tsc does not: icons, codex files
// and the package entry point.
function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

function copyEntry() {
	return src('index.js').pipe(dest('dist'));
}

function clean(done) {
	fs.rmSync(path.join(__dirname, 'dist'), { recursive: true, force: true });
	done();
}

exports['build:icons'] = parallel(copyIcons, copyCodex, copyEntry);
exports.clean = clean;
exports.default = exports['build:icons'];
