// `npm start` (and `npx meibo serve`): the server as compiled JavaScript, rebuilt first when a
// source changed since the last build (src/cli/build-server.mjs), so an edit in src/ is always
// what runs. The server runs in this process: `npm start` execs node on this file, so a process
// manager's SIGTERM reaches the server itself.
import { pathToFileURL } from 'node:url';
import { ENTRY, ensureServerBuild } from './cli/build-server.mjs';

// Production unless told otherwise, before the build (and the packages it imports) loads; see
// src/production.ts, which does the same for a server run from its sources (its code in the build
// runs only after the packages the build imports, too late for graphql-js).
process.env.NODE_ENV ??= 'production';
await ensureServerBuild();
await import(pathToFileURL(ENTRY).href);
