// Quiet n8n-core's logger before anything imports it.
process.env.N8N_LOG_LEVEL = 'silent';
