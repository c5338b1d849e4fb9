/**
 * The call endpoint of the v2 API (API notes, "Beyond contacts"): Make an AI call, GHL-safe. A phone
 * call is not idempotent and no idempotency key is documented, so it is never retried after a failure
 * that may have reached Assistable (a 429 or a refused connection still is).
 */
import { endpoint } from '../../shared/endpoint';

/** Largest answer accepted: the documented answer is five short fields. */
const MAX_CALL_BYTES = 1024 * 1024;

export const callEndpoints = {
	makeCall: endpoint('POST', '/ghl/make-call', false, MAX_CALL_BYTES),
};
