import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox/server';

export const bodiesOf = (sandbox: Sandbox, route: string) =>
	sandbox.requests.filter((r) => r.route === route).map((r) => r.body as IDataObject);
