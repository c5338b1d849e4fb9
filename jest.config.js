/** Unit, workflow and loader tests. End-to-end tests against a real n8n live in jest.e2e.config.js. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/', '/test/queue/'],
	setupFiles: ['<rootDir>/test/setup-env.js'],
	testTimeout: 30000,
	// The suites mostly wait on sockets and timers: three files at once on two cores (one in band took 2 min).
	maxWorkers: 3,
	reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
