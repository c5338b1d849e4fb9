/** How a contact is named by value: lower-cased email, or phone in E.164. */
import { phoneKey } from '../../shared/phone';

export type MatchBy = 'email' | 'phone';

/** A contact named by its email / phone within a location. */
export interface ByValue {
	locationId: string;
	by: MatchBy;
	value: string;
}

export function emailKey(email: unknown): string | undefined {
	return typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : undefined;
}

/** The identity (`email:…`, `phone:…`) an item locks while it looks up, creates or sets it. */
export function identityOf(by: MatchBy, value: unknown): string | undefined {
	const key = by === 'email' ? emailKey(value) : phoneKey(value);
	return key === undefined ? undefined : `${by}:${key}`;
}

/** The identities of a contact, or of the fields a write sets. */
export function identitiesOf(fields: { email?: unknown; phone_number?: unknown }): string[] {
	return [identityOf('email', fields.email), identityOf('phone', fields.phone_number)].filter(
		(identity): identity is string => identity !== undefined,
	);
}
