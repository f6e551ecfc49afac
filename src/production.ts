// The server runs as production unless told otherwise, set before any library reads it (this
// module is src/server.ts's first import, and modules run in import order). graphql-js decides at
// load whether its type checks also look for a second copy of itself, by comparing constructor
// names whenever a value is not of a type: that check alone was 3 % of an uncached request's CPU
// (a profile of 2026-12-05). Error masking does not depend on it (src/app.ts sets it itself).
// `npm start` runs the compiled build through src/start.mjs, which sets the same default first.
process.env.NODE_ENV ??= 'production';
