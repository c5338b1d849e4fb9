/** Whatever happened, nothing stays held in the process once its executions are over. */
import { state } from '../../nodes/Assistable/shared/state';

/** Fails naming every part of the process-wide state that still holds something. */
export function expectIdle(): void {
	const held = Object.entries(state.load()).filter(([, n]) => n !== 0);
	expect(Object.fromEntries(held)).toEqual({});
}
