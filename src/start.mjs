// `npm start` (and `npx meibo serve`): the server as compiled JavaScript, rebuilt first when a
// source changed since the last build (src/cli/build-server.mjs), so an edit in src/ is always
// what runs. The server runs in this process: `npm start` execs node on this file, so a process
// manager's SIGTERM reaches the server itself.
import { pathToFileURL } from 'node:url';
import { ENTRY, ensureServerBuild } from './cli/build-server.mjs';

await ensureServerBuild();
await import(pathToFileURL(ENTRY).href);
