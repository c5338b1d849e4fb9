/**
 * Shared by the property-based tests (fast-check) in this folder: the formats they check and the count of
 * generated inputs, which each file writes to test-artifacts/properties-<topic>-summary.json.
 */

import { InputError } from '../../../nodes/Assistable/shared/validation';
import { writeArtifact } from '../matrix-support';
export const E164 = /^\+[1-9]\d{0,14}$/;
export const UUID_LOWER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const counts: Record<string, number> = {};
export const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);

/** Writes the number of generated inputs of this test file once its tests are done. */
export function writeCountsAfterAll(topic: string): void {
	afterAll(() => {
		writeArtifact(`properties-${topic}-summary.json`, {
			generatedInputs: Object.values(counts).reduce((a, b) => a + b, 0),
			byProperty: counts,
		});
	});
}

/** Runs `fn`; an InputError (bad input, explained) is an accepted outcome, anything else fails. */
export function validated<T>(
	fn: () => T,
): { ok: true; value: T } | { ok: false; error: InputError } {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		if (!(error instanceof InputError)) throw error;
		expect(typeof error.message).toBe('string');
		expect(error.message.length).toBeGreaterThan(0);
		expect(typeof error.hint).toBe('string');
		return { ok: false, error };
	}
}
