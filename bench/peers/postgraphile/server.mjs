// PEER: PostGraphile 5.0.0-rc.3 over meibo's PostgreSQL data (the same schema meibo migrated and
// seeded), answering the two dashboard questions: the chair of a body on a day, and the seats of
// a body on a day. PostGraphile exposes tables, not an as-of rule, so the rule is two STABLE SQL
// functions (PostGraphile's way to add a query), written here in the bench's own schema:
//   PEER_PG_URL=postgresql://… PEER_PG_SCHEMA=name node server.mjs
// Its plan cache, like its defaults, is left as PostGraphile ships it; no response cache.
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const url = process.env.PEER_PG_URL;
const schema = process.env.PEER_PG_SCHEMA;
if (!url || !schema) throw new Error('PEER_PG_URL and PEER_PG_SCHEMA are required');
const q = (name) => `"${name.replaceAll('"', '""')}"`;

// The as-of rule, as meibo's and the floor's: a listing is in force on a day in [valid_from, valid_to).
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`
  CREATE OR REPLACE FUNCTION ${q(schema)}.chair(body_code text, as_of date) RETURNS ${q(schema)}.seat
    LANGUAGE sql STABLE AS $$
      SELECT s.* FROM ${q(schema)}.seat s JOIN ${q(schema)}.body b ON b.id = s.body_id
       WHERE b.code = body_code AND s.role = 'CHAIR' AND daterange(s.valid_from, s.valid_to, '[)') @> as_of
       LIMIT 1 $$;
  CREATE OR REPLACE FUNCTION ${q(schema)}.members(body_code text, as_of date) RETURNS SETOF ${q(schema)}.seat
    LANGUAGE sql STABLE AS $$
      SELECT s.* FROM ${q(schema)}.seat s JOIN ${q(schema)}.body b ON b.id = s.body_id
       WHERE b.code = body_code AND daterange(s.valid_from, s.valid_to, '[)') @> as_of
       ORDER BY s.role, s.position $$;`);
await admin.end();

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: url, schemas: [schema], poolConfig: { max: 10 } })],
  grafserv: { graphqlPath: '/graphql', watch: false, graphiql: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 60_000;
serv.addTo(server);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const a = server.address();
  console.log(`postgraphile ready on http://127.0.0.1:${typeof a === 'object' && a ? a.port : '?'}/graphql`);
});
const stop = async () => {
  server.closeIdleConnections();
  await new Promise((r) => server.close(() => r()));
  await pgl.release();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
