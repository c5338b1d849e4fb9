/*
 * Preloaded into each n8n process of the concurrency tests (NODE_OPTIONS=--require=<this file>): appends one
 * JSON line per compile of a file of the installed n8n-nodes-assistable package (pid, file) to the file named by
 * ASSISTABLE_MODULE_LOAD_LOG. Node compiles a CommonJS module once per process unless it is loaded again
 * outside the require cache, so the count per pid shows how often n8n loaded the node's module.
 */
'use strict';
const Module = require('node:module');
const fs = require('node:fs');

const logFile = process.env.ASSISTABLE_MODULE_LOAD_LOG;
const ours = /[\\/]node_modules[\\/]n8n-nodes-assistable[\\/]dist[\\/]/;

if (logFile) {
	const compile = Module.prototype._compile;
	Module.prototype._compile = function (content, filename) {
		if (ours.test(filename)) {
			fs.appendFileSync(
				logFile,
				`${JSON.stringify({ pid: process.pid, file: filename, at: new Date().toISOString() })}\n`,
			);
		}
		return compile.apply(this, arguments);
	};
}
