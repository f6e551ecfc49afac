// FLOOR: a bare node:http handler answering each dashboard operation with ONE hand-written SQL
// query and JSON.stringify, on the same engine as the meibo it is compared with:
//   FLOOR_ENGINE=pg      FLOOR_PG_URL=postgresql://… FLOOR_PG_SCHEMA=name  (pg pool of 10)
//                        FLOOR_PREPARED=true: each statement prepared once per connection, as meibo's are
//   FLOOR_ENGINE=pglite  FLOOR_PGLITE_DIR=/path (a copy of meibo's data dir; PGlite is one process per dir)
//                        FLOOR_PREPARED=true: each statement prepared once, as meibo's are (src/db/pglite-prepared.ts)
// It skips what meibo does besides the query (coverage check, GraphQL parse/validate/execute,
// Prisma), so it is a lower bound on the cost of the answer, not a competing implementation.
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import pg from 'pg';
import { withPreparedStatements } from '../../src/db/pglite-prepared.js';
import { OPERATIONS, type Operation } from '../queries.js';
import { serveGraphqlLike } from './http.js';

type Row = Record<string, unknown>;
type Run = (sql: string, params: unknown[]) => Promise<Row[]>;

const engine = process.env.FLOOR_ENGINE;
let run: Run;
let close: () => Promise<void>;
if (engine === 'pg') {
  const schema = process.env.FLOOR_PG_SCHEMA!;
  const pool = new pg.Pool({
    connectionString: process.env.FLOOR_PG_URL,
    max: 10,
    options: `-c search_path="${schema.replaceAll('"', '""')}"`,
  });
  const names = new Map<string, string>();
  run = process.env.FLOOR_PREPARED === 'true'
    ? async (sql, params) => {
        let name = names.get(sql);
        if (!name) names.set(sql, (name = `floor_${names.size}`));
        return (await pool.query({ name, text: sql, values: params })).rows;
      }
    : async (sql, params) => (await pool.query(sql, params)).rows;
  close = () => pool.end();
} else if (engine === 'pglite') {
  const db = await PGlite.create({ dataDir: process.env.FLOOR_PGLITE_DIR!, extensions: { btree_gist } });
  const client = process.env.FLOOR_PREPARED === 'true' ? withPreparedStatements(db) : db;
  run = async (sql, params) => (await client.query<Row>(sql, params)).rows;
  close = () => db.close();
} else {
  throw new Error('FLOOR_ENGINE must be pg or pglite');
}

const IN_FORCE = `daterange(s.valid_from, s.valid_to, '[)') @>`;

const handlers: Record<Operation['key'], () => Promise<unknown>> = {
  async chair() {
    const [r] = await run(
      `SELECT p.title, o.name, s.valid_from::text AS valid_from, r.decided_on::text AS decided_on,
              r.effective_on::text AS effective_on, s.clause
         FROM seat s JOIN body b ON b.id = s.body_id JOIN post p ON p.id = s.post_id
         JOIN organization o ON o.id = p.organization_id JOIN revision r ON r.id = s.revision_id
        WHERE b.code = $1 AND s.role = 'CHAIR' AND ${IN_FORCE} $2::date`,
      ['secretariat', '2025-07-01'],
    );
    return {
      chair: r
        ? {
            post: { title: r.title, organization: { name: r.name } },
            validFrom: r.valid_from,
            source: { revision: { decidedOn: r.decided_on, effectiveOn: r.effective_on }, clause: r.clause },
          }
        : null,
    };
  },
  async members() {
    const rows = await run(
      `SELECT s.role, s.position, p.title, o.name, o.name_en
         FROM seat s JOIN body b ON b.id = s.body_id JOIN post p ON p.id = s.post_id
         JOIN organization o ON o.id = p.organization_id
        WHERE b.code = $1 AND ${IN_FORCE} $2::date
        ORDER BY s.role, s.position`,
      ['secretariat', '2025-07-01'],
    );
    return {
      members: rows.map((r) => ({ role: r.role, position: r.position, post: { title: r.title, organization: { name: r.name, nameEn: r.name_en } } })),
    };
  },
  async diff() {
    // Both days' seats, paired by seat key (FULL JOIN), in one statement.
    const rows = await run(
      `WITH a AS (
         SELECT s.seat_key, s.post_id, s.role, s.position, p.title
           FROM seat s JOIN body b ON b.id = s.body_id JOIN post p ON p.id = s.post_id
          WHERE b.code = $1 AND ${IN_FORCE} $2::date
       ), z AS (
         SELECT s.seat_key, s.post_id, s.role, s.position, p.title
           FROM seat s JOIN body b ON b.id = s.body_id JOIN post p ON p.id = s.post_id
          WHERE b.code = $1 AND ${IN_FORCE} $3::date
       )
       SELECT a.post_id AS a_post, a.title AS a_title, z.post_id AS z_post, z.title AS z_title
         FROM a FULL JOIN z ON a.seat_key = z.seat_key
        ORDER BY a.role NULLS LAST, a.position, z.role, z.position`,
      ['deputy-director-meeting', '2025-06-30', '2025-07-01'],
    );
    const out = { unchanged: 0, renamed: [] as unknown[], added: [] as unknown[], removed: [] as unknown[] };
    for (const r of rows) {
      if (r.a_post === null) out.added.push({ post: { title: r.z_title } });
      else if (r.z_post === null) out.removed.push({ post: { title: r.a_title } });
      else if (r.a_post === r.z_post) out.unchanged += 1;
      else out.renamed.push({ before: { post: { title: r.a_title } }, after: { post: { title: r.z_title } } });
    }
    return { membershipDiff: out };
  },
  async orgSeats() {
    const rows = await run(
      `WITH p AS (
         SELECT p.id, p.title FROM post p JOIN organization o ON o.id = p.organization_id
          WHERE o.name = $1 ORDER BY p.title COLLATE "C" LIMIT 50
       )
       SELECT p.id, p.title, s.role, s.position, coalesce(s.tenure_from, s.valid_from)::text AS valid_from, s.tenure_to::text AS valid_to, b.code
         FROM p LEFT JOIN seat s ON s.post_id = p.id AND s.id = s.tenure_id LEFT JOIN body b ON b.id = s.body_id
        ORDER BY p.title COLLATE "C", s.valid_from, s.body_id, s.role, s.position`,
      ['内閣官房'],
    );
    const edges: Array<{ node: { title: unknown; seats: unknown[] } }> = [];
    let last: unknown;
    for (const r of rows) {
      if (r.id !== last) {
        edges.push({ node: { title: r.title, seats: [] } });
        last = r.id;
      }
      if (r.role !== null) {
        // a seat is a tenure: its first listing's row, and that listing's position
        edges.at(-1)!.node.seats.push({ role: r.role, validFrom: r.valid_from, validTo: r.valid_to, body: { code: r.code }, firstListing: { position: r.position } });
      }
    }
    return { organization: { posts: { edges } } };
  },
};

const byQuery = new Map(OPERATIONS.map((op) => [op.query, handlers[op.key]]));
serveGraphqlLike(`floor (${engine})`, async (query) => {
  const handler = byQuery.get(query);
  return handler ? JSON.stringify({ data: await handler() }) : null;
}, close);
