/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- sets up a temp user folder for n8n-core; tests run in Node.js, not inside n8n Cloud: they read files, use timers and process */
// Loaded by jest before every suite (see jest.config.js): n8n-core's
// InstanceSettings reads and writes a user folder; keep it in a temp dir.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'getbill-jest-'));
process.env.N8N_USER_FOLDER = folder;
process.env.N8N_ENCRYPTION_KEY = 'getbill-test-encryption-key';
process.env.N8N_LOG_LEVEL = 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
