/**
 * End-to-end tests against a REAL n8n (installed into .runtime/ by runtime/install-n8n.ts): the packed
 * package is installed the way a community install does it, workflows run with `n8n execute`, the credential
 * test goes through a running `n8n start`, and a browser test drives the editor with Debian's Chromium.
 *   E2E_N8N_VERSIONS=2.41.1,2.8.4   n8n versions for the headless tests (default: both)
 *   E2E_BROWSER_N8N_VERSIONS=2.41.1 n8n versions for the editor test (default: 2.41.1; "none" skips it)
 *   E2E_CHROMIUM=/usr/bin/chromium  browser binary
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	maxWorkers: 1,
	testTimeout: 10 * 60 * 1000,
	slowTestThreshold: 120,
	verbose: true,
	reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
