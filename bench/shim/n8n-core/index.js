'use strict';
// The benchmark's n8n-nodes-base and @n8n/task-runner must share the root's n8n-core (instanceof checks,
// NodeApiError, the expression engine). bench/package.json overrides n8n-core with this folder, which
// hands out the root copy. The path is the same whether npm links (bench/shim/x) or copies (bench/node_modules/x).
const path = require('node:path');
module.exports = require(require.resolve('n8n-core', { paths: [path.resolve(__dirname, '..', '..', '..')] }));
