/** Webhook bodies as Assistable documents them (../shared/assistable-api.md, "Webhooks Assistable sends"). */

/** Post-call webhook of an outbound call (every documented field). */
export const POST_CALL = {
	call_id: 'call_8f2c1e0b7a',
	call_type: 'voice',
	direction: 'outbound',
	to: '+15555550101',
	from: '+14155550199',
	contact_id: 'GhlC0nt4ct1d00000001',
	assistant_id: 'asst_demo_assistant',
	disconnection_reason: 'user_hangup',
	user_sentiment: 'Positive',
	call_summary: 'Ada wants a demo next Tuesday at 10am.',
	call_completion: 'complete',
	assistant_task_completion: 'booked',
	recording_url: 'https://recordings.example/call_8f2c1e0b7a.mp3',
	call_time_ms: 92500,
	call_time_seconds: 92.5,
	full_transcript: 'Agent: Hello Ada...\nUser: Hi, I would like a demo.',
	start_timestamp: '2026-04-15T14:00:00.123456+00:00',
	end_timestamp: '2026-04-15T14:01:32.623456+00:00',
};

/** Pre-call webhook, the documented minimum. */
export const PRE_CALL = {
	to: '+15555550101',
	from: '+14155550199',
	contactId: 'GhlC0nt4ct1d00000001',
};

/** Pre-call webhook as the newer page shows it (inbound). */
export const PRE_CALL_EVENT = {
	event: 'call_started',
	call_control_id: 'v3:ctrl_1234',
	direction: 'inbound',
	to: '+14155550199',
	from: '+44 7700 900123',
	assistant_id: 'asst_demo_assistant',
	contact_id: 'GhlC0nt4ct1d00000002',
};

/** A custom tool call: the tool's parameters under the Arguments wrapper, the contact beside it. */
export const TOOL_CALL = {
	Arguments: { date: '2026-04-21', time: '10:00', duration_minutes: 30 },
	contact_id: 'GhlC0nt4ct1d00000001',
};

/** The item every mapped field of POST_CALL gives. */
export const CALL_ENDED_ITEM = {
	event: 'call_ended',
	callId: 'call_8f2c1e0b7a',
	direction: 'outbound',
	customerNumber: '+15555550101',
	to: '+15555550101',
	from: '+14155550199',
	assistantId: 'asst_demo_assistant',
	contactId: 'GhlC0nt4ct1d00000001',
	callType: 'voice',
	disconnectionReason: 'user_hangup',
	callCompletion: 'complete',
	taskCompletion: 'booked',
	sentiment: 'Positive',
	summary: 'Ada wants a demo next Tuesday at 10am.',
	transcript: 'Agent: Hello Ada...\nUser: Hi, I would like a demo.',
	recordingUrl: 'https://recordings.example/call_8f2c1e0b7a.mp3',
	durationSeconds: 92.5,
	startedAt: '2026-04-15T14:00:00.123Z',
	endedAt: '2026-04-15T14:01:32.623Z',
	body: POST_CALL,
};
