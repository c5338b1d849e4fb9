/**
 * A throwaway self-signed certificate for 127.0.0.1 / localhost, made with the openssl CLI into a temp dir.
 * Trusted by whoever is handed it only (https.Agent({ ca: cert }) here, NODE_EXTRA_CA_CERTS=certPath for an n8n
 * the bench starts); never installed system-wide.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface LocalhostCert {
	dir: string;
	certPath: string;
	keyPath: string;
	/** PEM */
	cert: string;
	/** PEM */
	key: string;
	/** Deletes the temp dir. */
	remove(): void;
}

/** Generates a P-256 certificate valid for 2 days for IP 127.0.0.1 and DNS localhost. */
export function generateLocalhostCert(): LocalhostCert {
	const dir = mkdtempSync(path.join(tmpdir(), 'assistable-bench-tls-'));
	const certPath = path.join(dir, 'cert.pem');
	const keyPath = path.join(dir, 'key.pem');
	const run = spawnSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-days',
			'2',
			'-subj',
			'/CN=localhost',
			'-addext',
			'subjectAltName=IP:127.0.0.1,DNS:localhost',
			'-keyout',
			keyPath,
			'-out',
			certPath,
		],
		{ encoding: 'utf8' },
	);
	const remove = () => rmSync(dir, { recursive: true, force: true });
	if (run.error || run.status !== 0) {
		remove();
		if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
			throw new Error(
				'The openssl command is missing; it makes the bench certificate. Install it (Debian: apt-get install -y openssl).',
			);
		throw new Error(
			`openssl could not make the bench certificate (exit ${run.status}): ${(run.stderr || String(run.error)).trim()}`,
		);
	}
	return {
		dir,
		certPath,
		keyPath,
		cert: readFileSync(certPath, 'utf8'),
		key: readFileSync(keyPath, 'utf8'),
		remove,
	};
}
