// CEILING: a bare node:http handler that answers each known operation with a response computed
// beforehand (meibo's own bytes). What the HTTP stack and the load generator manage with no work.
import { readFileSync } from 'node:fs';
import { serveGraphqlLike } from './http.js';

const responses = new Map<string, string>(Object.entries(JSON.parse(readFileSync(process.env.CEILING_RESPONSES!, 'utf8'))));
serveGraphqlLike('ceiling', (query) => responses.get(query) ?? null);
