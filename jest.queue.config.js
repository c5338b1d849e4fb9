/**
 * Concurrent executions in a REAL n8n 2.41.1 (`npm run test:queue`): webhook bursts against an activated
 * workflow in regular mode, then in queue mode (main + 2 workers, Redis and PostgreSQL from Debian packages).
 * Figures go to test-artifacts/concurrency-<mode>.json.
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.test.ts'],
	globalSetup: '<rootDir>/test/queue/global-setup.ts',
	maxWorkers: 1,
	testTimeout: 5 * 60 * 1000,
	slowTestThreshold: 120,
	verbose: true,
	reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
