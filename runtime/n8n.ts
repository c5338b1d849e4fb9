/**
 * Pieces shared by `npm start` (runtime/start.ts) and the e2e tests (test/e2e): pack this package, install it
 * into an n8n user folder the way a community install does, import credentials and workflows with n8n's CLI,
 * run `n8n execute`, start `n8n start` and talk to its REST API (owner setup, login, credential test).
 * Node built-ins only.
 */
export * from './basics';
export * from './n8n-cli';
export * from './n8n-package';
export * from './n8n-rest';
export * from './n8n-server';
