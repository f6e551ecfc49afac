// Exports: GET /export/popolo.json and /export/seats.csv over HTTP as a spreadsheet user or a
// Popolo consumer gets them — valid against the Popolo JSON Schemas, exactly the seats `members`
// answers, RFC 4180 with a BOM, refused with GraphQL's codes, cached and invalidated like every answer.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { createResponseCache, type ResponseCache } from '../src/cache.js';
import { CSV_COLUMNS, csvField, parseCsv, toCsv } from '../src/export/csv.js';
import type { ExportData, ExportSeat } from '../src/export/directory.js';
import { toPopolo } from '../src/export/popolo.js';
import { withExports } from '../src/http/export.js';
import { silentLogger, withRequestLog } from '../src/log.js';
import { EXAMPLE_AMENDMENT, gql, RECORD } from './support/gql.js';
import { ENGINES, openTestDirectory, type TestDirectory } from './support/harness.js';

// ---------------------------------------------------------------------------------------------
// A draft-03 validator for the subset the Popolo schemas use (tests/fixtures/popolo/README.md).

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; $ref?: string; required?: boolean; pattern?: string; format?: string };
const SCHEMAS = new Map<string, Schema>();
for (const name of ['organization', 'post', 'membership', 'link', 'identifier', 'other_name']) {
  SCHEMAS.set(`http://www.popoloproject.com/schemas/${name}.json#`, JSON.parse(readFileSync(new URL(`./fixtures/popolo/${name}.json`, import.meta.url), 'utf8')));
}
const popolo = (name: string) => SCHEMAS.get(`http://www.popoloproject.com/schemas/${name}.json#`)!;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Problems of `value` against `schema` (empty: valid). Properties the schema does not define are problems too. */
function validate(value: unknown, schema: Schema, at = '$'): string[] {
  if (schema.$ref) {
    const target = SCHEMAS.get(schema.$ref);
    if (!target) return [`${at}: uses ${schema.$ref}, which these fixtures do not hold`];
    return validate(value, target, at);
  }
  const problems: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const actual = typeOf(value);
  if (types.length && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) return [`${at}: ${actual}, not ${types.join('|')}`];
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: "${value}" does not match ${schema.pattern}`);
    if (schema.format === 'uri' && !/^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(value)) problems.push(`${at}: "${value}" is not a URI`);
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${at}: "${value}" is not a date-time`);
  }
  if (actual === 'array' && schema.items) (value as unknown[]).forEach((v, i) => problems.push(...validate(v, schema.items!, `${at}[${i}]`)));
  if (actual === 'object' && schema.properties) {
    const object = value as Record<string, unknown>;
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (key in object) problems.push(...validate(object[key], sub, `${at}.${key}`));
      else if (sub.required) problems.push(`${at}.${key}: required`);
    }
    for (const key of Object.keys(object)) if (!(key in schema.properties)) problems.push(`${at}.${key}: not a property of ${(schema as { title?: string }).title}`);
  }
  return problems;
}

describe('the draft-03 validator', () => {
  it('finds what is wrong: a type, a pattern, a missing required property, an unknown property, a relative URL', () => {
    expect(validate({ id: 'x', start_date: '2025-7-1' }, popolo('membership'))).toEqual(['$.start_date: "2025-7-1" does not match ^[0-9]{4}(-[0-9]{2}){0,2}$']);
    expect(validate({ id: 1 }, popolo('post'))).toEqual(['$.id: integer, not string|null']);
    expect(validate({ sources: [{ note: 'n' }] }, popolo('membership'))).toEqual(['$.sources[0].url: required']);
    expect(validate({ organisation_id: 'x' }, popolo('membership'))).toEqual(['$.organisation_id: not a property of Membership']);
    expect(validate({ url: '/graphql?query=x' }, popolo('link'))).toEqual(['$.url: "/graphql?query=x" is not a URI']);
  });
});

// ---------------------------------------------------------------------------------------------
// The builders on plain data

const seat = (over: Partial<ExportSeat> = {}): ExportSeat => ({
  id: 'U2VhdDox',
  seatKey: 'k',
  body: 'secretariat',
  role: 'MEMBER',
  position: 1,
  validFrom: '2024-03-25',
  validTo: '2025-07-01',
  post: { id: 'UG9zdDox', title: '内閣官房内閣参事官（内閣サイバーセキュリティセンター）', organization: { id: 'T3JnOjE=', name: '内閣官房', nameEn: 'Cabinet Secretariat' } },
  source: { clause: '第2項', instrument: { code: 'designated-posts', title: 'サイバーセキュリティ対策推進会議議長の指定する職について' }, revision: { sequence: 14, decidedOn: '2024-03-25', effectiveOn: null } },
  ...over,
});
const data = (seats: ExportSeat[]): ExportData => ({
  asOf: null,
  body: null,
  seats,
  bodies: [
    { id: 'Qm9keTox', code: 'promotion-council', name: 'サイバーセキュリティ対策推進会議', nameEn: null, parent: null, rosterKnown: false },
    { id: 'Qm9keToz', code: 'secretariat', name: 'サイバーセキュリティ対策推進会議幹事会', nameEn: null, parent: 'promotion-council', rosterKnown: true },
  ],
});

describe('the builders', () => {
  it('CSV: a BOM, CRLF, and RFC 4180 quoting of commas, quotes and line breaks, read back as written', () => {
    const awkward = seat({ post: { ...seat().post, title: '職名, "引用" と\n改行' } });
    const text = toCsv(data([seat(), awkward]));
    expect(text.startsWith('\uFEFFbody,role,position,title,')).toBe(true);
    expect(text).toContain('"職名, ""引用"" と\n改行"');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows[2][3]).toBe('職名, "引用" と\n改行');
    expect(rows.slice(1).map((r) => r.length)).toEqual([CSV_COLUMNS.length, CSV_COLUMNS.length]);
    expect(csvField('plain')).toBe('plain');
  });

  it('Popolo: end_date is the last day in force (validTo is the first day after it); bodies carry classification and parent_id', () => {
    const out = toPopolo(data([seat(), seat({ id: 'U2VhdDoy', validTo: null })]), { baseUrl: 'http://meibo.example' });
    expect(out.memberships.map((m) => m.end_date)).toEqual(['2025-06-30', null]);
    expect(out.organizations[1]).toMatchObject({ classification: 'council', parent_id: 'Qm9keTox', identifiers: [{ identifier: 'secretariat' }] });
    expect(out.memberships[0].sources[0].note).toBe('「サイバーセキュリティ対策推進会議議長の指定する職について」 revision 14 (decided 2024-03-25), 第2項');
    expect(out.memberships[0].sources[0].url.startsWith('http://meibo.example/graphql?query=')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Over HTTP, on each engine

const editor = issueToken('export-test');
const MEMBERS = `query($b: ID!, $d: Date!) { members(body: $b, asOf: $d) { id role position validFrom validTo post { id title organization { name } }
  source { clause instrument { title } revision { decidedOn effectiveOn } } } }`;

describe.each(ENGINES)('exports on %s', (engine) => {
  let t: TestDirectory;
  let cache: ResponseCache;
  let server: Server;
  let base: string;
  let yoga: ReturnType<typeof createApp>;

  beforeAll(async () => {
    t = await openTestDirectory(engine);
    // As `npm start` has it: the response cache in front of Yoga, the exports beside it.
    cache = createResponseCache({ mode: 'memory', db: t.directory.prisma });
    await cache.ready();
    yoga = createApp(t.directory.prisma, { plugins: [cache.plugin], afterWrite: () => cache.refresh(), tokens: parseTokens(editor.entry) });
    server = createServer(withRequestLog(withExports(yoga, yoga), silentLogger));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await cache?.close();
    await t?.close();
  });

  const members = async (body: string, asOf: string) => {
    const r = await t.gql<{ members: any[] }>(MEMBERS, { b: body, d: asOf });
    expect(r.errors).toBeUndefined();
    return r.data!.members;
  };
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

  it('the CSV of a body as of a day, parsed back, is exactly its `members` (each day, each body that has a roster)', async () => {
    for (const asOf of ['2024-03-25', '2025-06-30', '2025-07-01']) {
      for (const body of ['deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting']) {
        const response = await get(`/export/seats.csv?body=${body}&asOf=${asOf}`);
        expect(response.status).toBe(200);
        const rows = parseCsv(await response.text());
        expect(rows[0]).toEqual([...CSV_COLUMNS]);
        const expected = (await members(body, asOf)).map((s) => [
          body, s.role, String(s.position), s.post.title, s.post.organization.name, s.validFrom, s.validTo ?? '',
          s.source.instrument.title, s.source.revision.decidedOn, s.source.revision.effectiveOn ?? '', s.source.clause,
        ]);
        expect(expected.length).toBeGreaterThan(0);
        expect(rows.slice(1)).toEqual(expected);
      }
    }
  });

  it('the deputy-director meeting on 2025-07-01 has 32 rows; the file is UTF-8 with a BOM, text/csv, with a download name', async () => {
    const response = await get('/export/seats.csv?body=deputy-director-meeting&asOf=令和7年7月1日');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="meibo-seats-deputy-director-meeting-2025-07-01.csv"; filename*=UTF-8''${encodeURIComponent('名簿-サイバーセキュリティ対策推進専任審議官等会議-2025-07-01.csv')}`,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parseCsv(new TextDecoder().decode(bytes)).length - 1).toBe(32);
  });

  it('the Popolo memberships of a body as of a day are exactly its members, and every object is valid Popolo', async () => {
    for (const [body, asOf] of [['secretariat', '2025-07-01'], ['deputy-director-meeting', '2025-06-30'], ['advisor-liaison-meeting', '2016-06-09']]) {
      const response = await get(`/export/popolo.json?body=${body}&asOf=${asOf}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const out = (await response.json()) as any;
      const list = await members(body, asOf);
      const bodyOrg = out.organizations.find((o: any) => o.identifiers?.[0]?.identifier === body);
      expect(out.memberships.map((m: any) => [m.id, m.organization_id, m.post_id, m.role, m.start_date])).toEqual(
        list.map((s) => [s.id, bodyOrg.id, s.post.id, s.role.toLowerCase().replace('_', ' '), s.validFrom]),
      );
      for (const o of out.organizations) expect(validate(o, popolo('organization'))).toEqual([]);
      for (const p of out.posts) expect(validate(p, popolo('post'))).toEqual([]);
      for (const m of out.memberships) expect(validate(m, popolo('membership'))).toEqual([]);
      // every reference names an object of the file
      const orgIds = new Set(out.organizations.map((o: any) => o.id));
      const postIds = new Set(out.posts.map((p: any) => p.id));
      for (const m of out.memberships) expect(orgIds.has(m.organization_id) && postIds.has(m.post_id)).toBe(true);
      for (const p of out.posts) expect(orgIds.has(p.organization_id)).toBe(true);
      for (const o of out.organizations) if (o.parent_id) expect(orgIds.has(o.parent_id)).toBe(true);
    }
  });

  it('without asOf: the whole history — the secretariat’s chair before and after 2025-07-01, the old one ending 2025-06-30', async () => {
    const out = (await (await get('/export/popolo.json')).json()) as any;
    for (const [kind, list] of [['organization', out.organizations], ['post', out.posts], ['membership', out.memberships]] as const) {
      for (const item of list) expect(validate(item, popolo(kind))).toEqual([]);
    }
    // the four bodies and the ministries and agencies
    expect(out.organizations.filter((o: any) => o.classification === 'council').map((o: any) => o.identifiers[0].identifier)).toEqual([
      'promotion-council', 'deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting',
    ]);
    expect(out.organizations.some((o: any) => o.name === '最高裁判所')).toBe(true);
    const secretariat = out.organizations.find((o: any) => o.identifiers?.[0]?.identifier === 'secretariat');
    const title = (id: string) => out.posts.find((p: any) => p.id === id).label;
    const chairs = out.memberships.filter((m: any) => m.organization_id === secretariat.id && m.role === 'chair');
    expect(chairs.map((m: any) => [title(m.post_id), m.start_date, m.end_date])).toEqual([
      ['内閣官房内閣審議官（内閣サイバーセキュリティセンター）', '2024-03-25', '2025-06-30'],
      ['内閣官房内閣審議官（国家サイバー統括室）', '2025-07-01', null],
    ]);
    // narrowed to one body: only its memberships, and the body above it for its parent_id
    const one = (await (await get('/export/popolo.json?body=secretariat')).json()) as any;
    expect(new Set(one.memberships.map((m: any) => m.organization_id))).toEqual(new Set([secretariat.id]));
    expect(one.memberships.length).toBe(out.memberships.filter((m: any) => m.organization_id === secretariat.id).length);
  });

  it('refuses bad parameters with JSON errors carrying GraphQL’s codes', async () => {
    const cases: Array<[string, number, string]> = [
      ['/export/seats.csv?asOf=2025-02-30', 400, 'BAD_USER_INPUT'],
      ['/export/popolo.json?asOf=tomorrow', 400, 'BAD_USER_INPUT'],
      ['/export/seats.csv?as_of=2025-07-01', 400, 'BAD_USER_INPUT'],
      ['/export/seats.csv?body=nope', 404, 'NOT_FOUND'],
      ['/export/popolo.json?body=nope&asOf=2025-07-01', 404, 'NOT_FOUND'],
      ['/export/seats.csv?body=secretariat&asOf=2024-03-24', 400, 'OUT_OF_COVERAGE'],
      ['/export/popolo.json?body=promotion-council&asOf=2025-07-01', 400, 'OUT_OF_COVERAGE'],
      ['/export/seats.csv?asOf=2024-03-24', 400, 'OUT_OF_COVERAGE'],
      ['/export/members.xml', 404, 'NOT_FOUND'],
    ];
    for (const [path, status, code] of cases) {
      const response = await get(path, { 'x-request-id': 'export-test-1' });
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, status, 'application/json; charset=utf-8']);
      const body = (await response.json()) as any;
      expect([path, body.errors[0].extensions.code, body.errors[0].extensions.requestId]).toEqual([path, code, 'export-test-1']);
    }
    const coverage = (await (await get('/export/seats.csv?body=secretariat&asOf=2024-03-24')).json()) as any;
    expect(coverage.errors[0].extensions.covered).toEqual([{ from: '2024-03-25', to: null }]);
    expect((await fetch(`${base}/export/seats.csv`, { method: 'POST' })).status).toBe(405);
  });

  it('is cached like every answer (a repeat costs no SQL statement, a revalidation gets 304) and changes with the next amendment', async () => {
    const path = '/export/seats.csv?body=secretariat&asOf=2027-04-01';
    const first = await get(path);
    const etag = first.headers.get('etag')!;
    const bytes = Buffer.from(await first.arrayBuffer());
    const before = parseCsv(bytes.toString('utf8'));
    t.sql.length = 0;
    const again = await get(path);
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
    expect(t.sql).toEqual([]);
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);

    const recorded = await gql(yoga.fetch, RECORD, { input: EXAMPLE_AMENDMENT }, { authorization: `Bearer ${editor.token}` });
    expect(recorded.errors).toBeUndefined();
    const after = await get(path, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    const rows = parseCsv(await after.text());
    expect(rows.length).toBe(before.length + 1);
    expect(rows.find((r) => r[1] === 'MEMBER' && r[2] === '3')?.[3]).toBe('デジタル庁統括官付参事官（サイバーセキュリティ担当）');
  });
});

