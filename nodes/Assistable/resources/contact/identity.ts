/** How a contact is named by value: lower-cased email, or phone in E.164. */
import { phoneKey } from '../../shared/phone';
import type { ContactChanges } from './merge';

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

/**
 * The identity an item locks while it looks up, creates or sets this email / phone (see ItemPlan).
 */
export function identityOf(by: MatchBy, value: unknown): string | undefined {
	const key = by === 'email' ? emailKey(value) : phoneKey(value);
	return key === undefined ? undefined : `${by}:${key}`;
}

/** The identities of the email / phone a write sets. */
export function changeIdentities(changes: ContactChanges): string[] {
	const set = [
		identityOf('email', changes.fields.email),
		identityOf('phone', changes.fields.phone_number),
	];
	return set.filter((identity): identity is string => identity !== undefined);
}
