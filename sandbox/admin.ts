/** The sandbox's own routes, under /__sandbox/: no API key, no faults, not recorded (see SandboxResource.admin). */
import type * as http from 'node:http';
import type { SandboxResource } from './types';
import { json } from './types';

export function adminRoutes(resources: SandboxResource[]) {
	return async (req: http.IncomingMessage, res: http.ServerResponse, path: string) => {
		let text = '';
		for await (const chunk of req) text += (chunk as Buffer).toString('utf8');
		const body: unknown = /^\s*[[{]/.test(text) ? JSON.parse(text) : text || undefined;
		const replies = resources.map((r) => r.admin?.(req.method ?? '', path, body));
		const reply = replies.find(Boolean) ?? json(404, { message: `No route ${req.method}:${path}` });
		res.writeHead(reply.status, reply.headers).end(reply.body);
	};
}
