// Reference point for stdio: bench/reference-tool.mjs's one-tool low-level Server behind the SDK's
// serveStdio (both eras, the SDK's own opening rules). Env: BACKEND, KEY.
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { referenceServer } from './reference-tool.mjs';

serveStdio(() => referenceServer());
process.stdin.on('end', () => setImmediate(() => process.exit(0)));
