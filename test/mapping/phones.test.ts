import type { IDataObject } from 'n8n-workflow';

import { DEMO_CONTACT_IDS, DEMO_LOCATION_ID } from '../../sandbox/server';
import { bodiesOf } from './support';
import { useSandbox } from '../harness/sandbox-fixture';
import { runContact } from '../harness/workflow';

const { ada, grace } = DEMO_CONTACT_IDS;
const LOC = DEMO_LOCATION_ID;

describe.each(['as-sent', 'normalise'] as const)(
	'phone numbers (sandbox stores values %s)',
	(storedValues) => {
		const sandbox = useSandbox({ behaviour: { storedValues } });

		it('sends +44 (0)20 7946 0958 as +442079460958 (trunk zero dropped), and Verify Update passes', async () => {
			const result = await runContact(sandbox, 'update', {
				contactId: ada,
				updateFields: { phoneNumber: '+44 (0)20 7946 0958' },
			});
			expect(result.status).toBe('success');
			expect(bodiesOf(sandbox, 'patch')).toEqual([{ phone_number: '+442079460958' }]);
			expect(sandbox.getContact(ada)!.phone_number).toBe('+442079460958');
		});

		it('refuses a country code alone before any request', async () => {
			const result = await runContact(sandbox, 'update', {
				contactId: ada,
				updateFields: { phoneNumber: '+1' },
			});
			expect(result.error?.message).toBe('Phone Number "+1" is not a valid phone number');
			expect(sandbox.requests).toHaveLength(0);
		});

		it('reads a national number in the Default Country, for the field sent and for Create or Update', async () => {
			const result = await runContact(
				sandbox,
				'upsert',
				{
					locationId: LOC,
					matchEmail: 'form@example.com',
					contactFields: { phoneNumber: '={{ $json.phone }}' },
					options: { defaultCountry: 'US' },
				},
				{ items: [{ phone: '757-555-0199' }] },
			);
			expect(result.status).toBe('success');
			expect(bodiesOf(sandbox, 'create')).toEqual([
				{ email: 'form@example.com', phone_number: '+17575550199' },
			]);
		});

		it('refuses a national number without Default Country, saying how to fix it', async () => {
			const result = await runContact(sandbox, 'update', {
				contactId: ada,
				updateFields: { phoneNumber: '757-555-0199' },
			});
			expect(result.error?.description).toMatch(/Default Country option \(e\.g\. US\)/);
			const bad = await runContact(sandbox, 'update', {
				contactId: ada,
				updateFields: { phoneNumber: '757-555-0199' },
				options: { defaultCountry: 'USA' },
			});
			expect(bad.error?.message).toBe('Default Country "USA" is not a country code');
			expect(sandbox.requests).toHaveLength(0);
		});

		it('matches by phone through the same normalisation: national input, stored number formatted or with a trunk zero', async () => {
			sandbox.updateContactDirect(grace, { phone_number: '+44 (0)7700 900123' });
			const byNational = await runContact(sandbox, 'update', {
				matchBy: 'phone',
				locationId: LOC,
				matchPhone: '07700 900123',
				updateFields: { firstName: 'Amazing Grace' },
				options: { defaultCountry: 'GB' },
			});
			expect(byNational.status).toBe('success');
			expect(sandbox.getContact(grace)!.first_name).toBe('Amazing Grace');
			const got = await runContact(sandbox, 'get', {
				matchBy: 'phone',
				locationId: LOC,
				matchPhone: '+447700900123',
			});
			expect(got.items.map((i) => i.json.id)).toEqual([grace]);
		});

		it("filters Get Many's Phone the same way", async () => {
			sandbox.updateContactDirect(ada, { phone_number: '+1 (555) 555-0101' });
			const result = await runContact(sandbox, 'getAll', {
				locationId: LOC,
				returnAll: true,
				filters: { phone: '555.555.0101' },
				options: { defaultCountry: 'US' },
			});
			expect(result.items.map((i) => i.json.id)).toEqual([ada]);
		});

		it('verifies a phone the API returns formatted (compared in E.164)', async () => {
			const formatted = {
				...sandbox.getContact(ada)!,
				phone_number: '+44 20 7946 0958',
				email: 'ADA@EXAMPLE.COM',
			};
			sandbox.injectFault({
				route: 'patch',
				phase: 'after',
				fault: { kind: 'status', status: 200, body: formatted },
			});
			const result = await runContact(sandbox, 'update', {
				contactId: ada,
				updateFields: { phoneNumber: '+44 (0)20 7946 0958', email: 'Ada@Example.com' },
			});
			expect(result.status).toBe('success');
			expect((result.items[0].json as IDataObject).phone_number).toBe('+44 20 7946 0958');
		});

		it('verifies an email the API stores lower-cased', async () => {
			const result = await runContact(sandbox, 'update', {
				contactId: ada,
				updateFields: { email: ' Ada.Lovelace@Example.COM ' },
			});
			expect(result.status).toBe('success');
			expect(sandbox.getContact(ada)!.email).toBe(
				storedValues === 'normalise' ? 'ada.lovelace@example.com' : 'Ada.Lovelace@Example.COM',
			);
		});
	},
);
