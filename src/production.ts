// The server runs as production unless told otherwise, set before any library reads it (this
// module is src/server.ts's first import, and modules run in import order). graphql-js decides at
// load whether its type checks also look for a second copy of itself, by comparing constructor
// names whenever a value is not of a type: that check alone was 3 % of an uncached request's CPU
// (a profile of 2026-12-05). Error masking does not depend on it (src/app.ts sets it itself).
// `npm start` runs the compiled build through src/start.mjs, which sets the same default first.
import { setFlagsFromString } from 'node:v8';

process.env.NODE_ENV ??= 'production';

// V8 recompiled PGlite's and Prisma's wasm with TurboFan on four threads during every start: 2.2–2.8 s
// of CPU and 40–50 MiB that stayed. A higher tier-up budget keeps hot code optimized while a start
// compiles nothing twice (the maximum left uncached requests at 3–5 ms). Set here rather than on
// node's command line so that every way of running the server gets it (`npm start`, `npx meibo
// serve`, `node src/start.mjs`, the sources through tsx), before any wasm is compiled; a value
// given on the command line wins.
if (!process.execArgv.some((flag) => flag.startsWith('--wasm-tiering-budget'))) setFlagsFromString('--wasm-tiering-budget=18000000');
