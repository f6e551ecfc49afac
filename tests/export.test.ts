// Exports: GET /export/popolo.json and /export/seats.csv over HTTP as a spreadsheet user or a
// Popolo consumer gets them — valid against the upstream Popolo JSON Schemas (draft-03, checked by
// the jsonschema package), exactly the listings `members` answers (as decided by knownAt too),
// RFC 4180 with a BOM and no cell a spreadsheet runs as a formula, refused with GraphQL's codes,
// cached and invalidated like every answer.
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Validator } from 'jsonschema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { createResponseCache, type ResponseCache } from '../src/cache.js';
import { loadConfig } from '../src/config.js';
import { CSV_COLUMNS, csvField, parseCsv, toCsv } from '../src/export/csv.js';
import type { ExportData, ExportListing, ExportRename, ExportSeat } from '../src/export/directory.js';
import { toPopolo } from '../src/export/popolo.js';
import { withExports } from '../src/http/export.js';
import { silentLogger, withRequestLog } from '../src/log.js';
import { EXAMPLE_AMENDMENT, gql, RECORD } from './support/gql.js';
import { ENGINES, openTestDirectory, type TestDirectory } from './support/harness.js';

// ---------------------------------------------------------------------------------------------
// The upstream Popolo schemas (tests/fixtures/popolo/README.md), draft-03, checked by `jsonschema`
// (which implements draft-03: `required: true` on a property, `type` lists), every $ref resolved
// from the fixtures — the validator never fetches. One rule of meibo's own on top: a property the
// schema does not define must be one of meibo's `meibo:` extensions, so a misspelt Popolo name fails.

const POPOLO = 'http://www.popoloproject.com/schemas/';
const validator = new Validator();
for (const name of ['organization', 'post', 'membership', 'link', 'identifier', 'other_name', 'person', 'area', 'contact_detail']) {
  const schema = JSON.parse(readFileSync(new URL(`./fixtures/popolo/${name}.json`, import.meta.url), 'utf8'));
  expect(schema.$schema).toBe('http://json-schema.org/draft-03/schema#');
  validator.addSchema(schema, `${POPOLO}${name}.json`);
}
const popolo = (name: 'organization' | 'post' | 'membership' | 'link') => validator.schemas[`${POPOLO}${name}.json#`] ?? validator.schemas[`${POPOLO}${name}.json`];

/** Problems of `value` against a Popolo class (empty: valid). */
function validate(value: Record<string, unknown>, kind: 'organization' | 'post' | 'membership' | 'link'): string[] {
  const schema = popolo(kind)!;
  const problems = validator.validate(value, schema, { nestedErrors: true }).errors.map((e) => `${e.property}: ${e.message}`);
  for (const key of Object.keys(value)) {
    if (!(key in schema.properties!) && !key.startsWith('meibo:')) problems.push(`instance.${key}: not a property of ${schema.title}`);
  }
  return problems;
}

describe('the draft-03 validation', () => {
  it('finds what is wrong: a type, a pattern, a missing required property, an unknown property, a relative URL', () => {
    expect(validate({ id: 'x', start_date: '2025-7-1' }, 'membership')).toEqual(['instance.start_date: does not match pattern "^[0-9]{4}(-[0-9]{2}){0,2}$"']);
    expect(validate({ id: 1 }, 'post')).toEqual(['instance.id: is not of a type(s) string,null']);
    expect(validate({ sources: [{ note: 'n' }] }, 'membership')).toEqual(['instance.sources[0].url: is required']);
    expect(validate({ organisation_id: 'x' }, 'membership')).toEqual(['instance.organisation_id: not a property of Membership']);
    expect(validate({ url: '/graphql?query=x' }, 'link')).toEqual(['instance.url: does not conform to the "uri" format']);
    expect(validate({ 'meibo:at_least_since': '2024-03-25' }, 'membership')).toEqual([]);
  });
});

/** Every object of a Popolo file, valid; every reference naming an object of the file. */
function expectValidPopolo(out: any) {
  for (const o of out.organizations) expect([o.id, validate(o, 'organization')]).toEqual([o.id, []]);
  for (const p of out.posts) expect([p.id, validate(p, 'post')]).toEqual([p.id, []]);
  for (const m of out.memberships) expect([m.id, validate(m, 'membership')]).toEqual([m.id, []]);
  const orgIds = new Set(out.organizations.map((o: any) => o.id));
  const postIds = new Set(out.posts.map((p: any) => p.id));
  const membershipIds = new Set(out.memberships.map((m: any) => m.id));
  expect(membershipIds.size).toBe(out.memberships.length);
  for (const m of out.memberships) {
    expect([m.id, orgIds.has(m.organization_id), orgIds.has(m.on_behalf_of_id), postIds.has(m.post_id), 'person_id' in m]).toEqual([m.id, true, true, true, false]);
    for (const link of [m['meibo:renamed_from'], m['meibo:renamed_to']]) if (link) expect(membershipIds.has(link.membership_id)).toBe(true);
    // a start is stated, or said to be unknown ("at least since"), never both
    expect(('start_date' in m) !== ('meibo:at_least_since' in m)).toBe(true);
  }
  for (const p of out.posts) expect(orgIds.has(p.organization_id)).toBe(true);
  for (const o of out.organizations) if (o.parent_id) expect(orgIds.has(o.parent_id)).toBe(true);
  // each seat is a post of its council, not of a ministry
  const councils = new Set(out.organizations.filter((o: any) => o.classification === 'council').map((o: any) => o.id));
  for (const p of out.posts) expect(councils.has(p.organization_id)).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// The builders on plain data

const seat = (over: Partial<ExportSeat> = {}): ExportSeat => ({
  id: 'U2VhdDox',
  seatKey: 'k',
  body: 'secretariat',
  role: 'MEMBER',
  validFrom: '2024-03-25',
  validFromIsCoverageStart: true,
  validTo: '2025-07-01',
  post: { id: 'UG9zdDox', title: '内閣官房内閣参事官（内閣サイバーセキュリティセンター）', organization: { id: 'T3JnOjE=', name: '内閣官房', nameEn: 'Cabinet Secretariat' } },
  ...over,
});
const listing = (over: Partial<ExportListing> = {}, seatOver: Partial<ExportSeat> = {}): ExportListing => {
  const s = seat(seatOver);
  return {
    id: `${s.id}@UmV2aXNpb246MTQ=`,
    seat: s,
    position: 1,
    listedFrom: s.validFrom,
    listedTo: s.validTo,
    source: {
      clause: '第2項',
      instrument: { code: 'designated-posts', title: 'サイバーセキュリティ対策推進会議議長の指定する職について' },
      revision: { id: 'UmV2aXNpb246MTQ=', sequence: 14, decidedOn: '2024-03-25', effectiveOn: null, inForceFrom: '2024-03-25' },
    },
    ...over,
  };
};
const data = (listings: ExportListing[], renames: ExportRename[] = []): ExportData => ({
  asOf: null,
  knownAt: null,
  body: null,
  listings,
  renames,
  bodies: [
    { id: 'Qm9keTox', code: 'promotion-council', name: 'サイバーセキュリティ対策推進会議', nameEn: null, parent: null, rosterKnown: false },
    { id: 'Qm9keToz', code: 'secretariat', name: 'サイバーセキュリティ対策推進会議幹事会', nameEn: null, parent: 'promotion-council', rosterKnown: true },
  ],
});

describe('the builders', () => {
  it('CSV: a BOM, CRLF, and RFC 4180 quoting of commas, quotes and line breaks, read back as written', () => {
    const awkward = listing({}, { post: { ...seat().post, title: '職名, "引用" と\n改行' } });
    const text = toCsv(data([listing(), awkward]));
    expect(text.startsWith('\uFEFFbody,role,position,title,')).toBe(true);
    expect(text).toContain('"職名, ""引用"" と\n改行"');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows[2][3]).toBe('職名, "引用" と\n改行');
    expect(rows.slice(1).map((r) => r.length)).toEqual([CSV_COLUMNS.length, CSV_COLUMNS.length]);
    expect(csvField('plain')).toBe('plain');
  });

  it('CSV: a cell beginning with =, +, -, @, a tab or a CR gets a leading quote and is quoted (OWASP); others are left alone', () => {
    for (const danger of ['=1+1', '+81', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil.example","x")']) {
      const cell = csvField(danger);
      expect(cell.startsWith(`"'`)).toBe(true);
      expect(parseCsv(`${cell}\r\n`)).toEqual([[`'${danger}`]]);
    }
    for (const safe of ['内閣官房', 'a=b', '2025-07-01', ' =x', '＝全角']) expect(csvField(safe)).toBe(safe);
  });

  it('Popolo: seats are posts of the council, listings memberships on behalf of the ministry; unknown starts are "at least since"; ends are last days', () => {
    const first = listing();
    const later = listing({ id: 'U2VhdDox@UmV2aXNpb246MTU=', position: 2, listedFrom: '2025-07-01', listedTo: null }, { validTo: null });
    const renamedTo = listing(
      { id: 'U2VhdDoy@UmV2aXNpb246MTU=', listedFrom: '2025-07-01', listedTo: null },
      { id: 'U2VhdDoy', validFrom: '2025-07-01', validFromIsCoverageStart: false, validTo: null },
    );
    const out = toPopolo(data([first, later, renamedTo], [{ kind: 'SOMETHING_NEW', before: first.id, after: renamedTo.id }]), { publicUrl: 'https://meibo.example/' });
    expect(out.posts).toEqual([
      { id: 'U2VhdDox', label: first.seat.post.title, role: 'member', organization_id: 'Qm9keToz', 'meibo:at_least_since': '2024-03-25', end_date: '2025-06-30', 'meibo:post_id': 'UG9zdDox' },
      { id: 'U2VhdDoy', label: first.seat.post.title, role: 'member', organization_id: 'Qm9keToz', start_date: '2025-07-01', end_date: null, 'meibo:post_id': 'UG9zdDox' },
    ]);
    expect(out.memberships.map((m) => [m.label, m.post_id, m.on_behalf_of_id, m.start_date, m['meibo:at_least_since'], m.end_date])).toEqual([
      ['構成員 1', 'U2VhdDox', 'T3JnOjE=', undefined, '2024-03-25', '2025-06-30'],
      ['構成員 2', 'U2VhdDox', 'T3JnOjE=', '2025-07-01', undefined, null],
      ['構成員 1', 'U2VhdDoy', 'T3JnOjE=', '2025-07-01', undefined, null],
    ]);
    // the rename's kind passes through, whatever it is
    expect(out.memberships[0]['meibo:renamed_to']).toEqual({ membership_id: renamedTo.id, kind: 'SOMETHING_NEW' });
    expect(out.memberships[2]['meibo:renamed_from']).toEqual({ membership_id: first.id, kind: 'SOMETHING_NEW' });
    expect(out.memberships[0].sources![0].note).toBe('「サイバーセキュリティ対策推進会議議長の指定する職について」 revision 14 (decided 2024-03-25), 第2項');
    expect(out.memberships[0].sources![0].url.startsWith('https://meibo.example/graphql?query=')).toBe(true);
    expect(Object.keys(out.meta.extensions).sort()).toEqual(['meibo:at_least_since', 'meibo:post_id', 'meibo:renamed_from', 'meibo:renamed_to']);
    expectValidPopolo(out);
    // without a public URL: no sources (never a relative URL, which Popolo's link refuses)
    const bare = toPopolo(data([first]));
    expect('sources' in bare.memberships[0]).toBe(false);
    expect(bare.meta.note).toContain('MEIBO_PUBLIC_URL');
  });

  it('MEIBO_PUBLIC_URL: an absolute http(s) URL, kept without its trailing slash; anything else refused', () => {
    expect(loadConfig({ MEIBO_PUBLIC_URL: 'https://meibo.example/' }).publicUrl).toBe('https://meibo.example');
    expect(loadConfig({ MEIBO_PUBLIC_URL: 'https://example.go.jp/meibo/' }).publicUrl).toBe('https://example.go.jp/meibo');
    expect(loadConfig({}).publicUrl).toBeUndefined();
    for (const bad of ['/meibo', 'meibo.example', 'ftp://meibo.example', 'https://meibo.example/?x=1', 'https://u:p@meibo.example']) {
      expect(() => loadConfig({ MEIBO_PUBLIC_URL: bad })).toThrow(/MEIBO_PUBLIC_URL must be an absolute http\(s\) URL/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Over HTTP, on each engine

const editor = issueToken('export-test');
const PUBLIC_URL = 'https://meibo.example';
// the listings in force (each its own id, position, source and days) and the seat of each
const MEMBERS = `query($b: ID!, $d: Date!, $k: Date) { members(body: $b, asOf: $d, knownAt: $k) { id role position validFrom validTo
  post { id title organization { id name } } source { clause instrument { title } revision { decidedOn effectiveOn inForceFrom } }
  seat { id validFrom validFromIsCoverageStart validTo } } }`;
const ROLE_JA: Record<string, string> = { CHAIR: '議長', VICE_CHAIR: '副議長', MEMBER: '構成員', OBSERVER: 'オブザーバー' };

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
    server = createServer(withRequestLog(withExports(yoga, yoga, silentLogger, { publicUrl: PUBLIC_URL }), silentLogger));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await cache?.close();
    await t?.close();
  });

  const members = async (body: string, asOf: string, knownAt: string | null = null) => {
    const r = await t.gql<{ members: any[] }>(MEMBERS, { b: body, d: asOf, k: knownAt });
    expect(r.errors).toBeUndefined();
    return r.data!.members;
  };
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
  const json = async (path: string) => {
    const response = await get(path);
    expect([path, response.status]).toEqual([path, 200]);
    return (await response.json()) as any;
  };
  /** A CSV row as the API answers the listing `l`: the seat's span, the listing's position, source and days. */
  const csvRow = (body: string, l: any) => [
    body, l.role, String(l.position), l.post.title, l.post.organization.name, l.seat.validFrom, l.seat.validTo ?? '',
    l.source.instrument.title, l.source.revision.decidedOn, l.source.revision.effectiveOn ?? '', l.source.clause,
    String(l.seat.validFromIsCoverageStart), l.validFrom, l.validTo ?? '', l.seat.id,
  ];

  it('the CSV of a body as of a day, parsed back, is exactly its `members` (each day, each body that has a roster, and as decided by a day)', async () => {
    for (const [asOf, knownAt] of [['2024-03-25', null], ['2025-06-30', null], ['2025-07-01', null], ['2025-06-30', '2025-06-26'], ['2025-07-01', '2025-06-27']]) {
      for (const body of ['deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting']) {
        const path = `/export/seats.csv?body=${body}&asOf=${asOf}${knownAt ? `&knownAt=${knownAt}` : ''}`;
        const response = await get(path);
        expect([path, response.status]).toEqual([path, 200]);
        const rows = parseCsv(await response.text());
        expect(rows[0]).toEqual([...CSV_COLUMNS]);
        const listings = await members(body, asOf!, knownAt);
        expect(listings.length).toBeGreaterThan(0);
        // every column, listedFrom/listedTo the listing's own days as decided by knownAt
        expect(rows.slice(1)).toEqual(listings.map((l) => csvRow(body, l)));
        // a listing in force on the day asked starts on or before it, and ends after it if at all
        for (const l of listings) expect(l.validFrom <= asOf! && (l.validTo === null || l.validTo > asOf!)).toBe(true);
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
    const known = await get('/export/seats.csv?body=secretariat&asOf=2025-06-30&knownAt=R7.6.26');
    expect(known.headers.get('content-disposition')).toContain('filename="meibo-seats-secretariat-2025-06-30-decided-by-2025-06-26.csv"');
  });

  it('the Popolo memberships of a body as of a day are exactly its members, each seat a post of the council, and every object is valid Popolo', async () => {
    for (const [body, asOf, knownAt] of [['secretariat', '2025-07-01', null], ['deputy-director-meeting', '2025-06-30', null], ['advisor-liaison-meeting', '2016-06-09', null], ['secretariat', '2025-06-30', '2025-06-26']]) {
      const out = await json(`/export/popolo.json?body=${body}&asOf=${asOf}${knownAt ? `&knownAt=${knownAt}` : ''}`);
      expect([out.meta.asOf, out.meta.knownAt]).toEqual([asOf, knownAt]);
      const list = await members(body!, asOf!, knownAt);
      const bodyOrg = out.organizations.find((o: any) => o.identifiers?.[0]?.identifier === body);
      // one membership a listing (its id), in the seat (a post of the council) on behalf of the ministry
      expect(out.memberships.map((m: any) => [m.id, m.organization_id, m.post_id, m.on_behalf_of_id, m.role, m.label])).toEqual(
        list.map((l) => [l.id, bodyOrg.id, l.seat.id, l.post.organization.id, l.role.toLowerCase().replace('_', ' '), `${ROLE_JA[l.role]} ${l.position}`]),
      );
      // the membership's days are the listing's: its start stated unless it is the seat's first
      // listing from the data's coverage start, its end the last day before the next revision
      expect(out.memberships.map((m: any) => [m.start_date ?? null, m['meibo:at_least_since'] ?? null, m.end_date])).toEqual(
        list.map((l) => {
          const unknown = l.seat.validFromIsCoverageStart && l.validFrom === l.seat.validFrom;
          return [unknown ? null : l.validFrom, unknown ? l.validFrom : null, l.validTo ? dayBefore(l.validTo) : null];
        }),
      );
      // one post a seat: the tenure's span, its start left out where the data's coverage begins
      expect(out.posts.map((p: any) => [p.id, p.label, p.start_date ?? null, p['meibo:at_least_since'] ?? null, p.end_date])).toEqual(
        list.map((l) => [l.seat.id, l.post.title, l.seat.validFromIsCoverageStart ? null : l.seat.validFrom, l.seat.validFromIsCoverageStart ? l.seat.validFrom : null, l.seat.validTo ? dayBefore(l.seat.validTo) : null]),
      );
      // under an ADD or not, no two memberships of one day share a label
      expect(new Set(out.memberships.map((m: any) => m.label)).size).toBe(out.memberships.length);
      expectValidPopolo(out);
    }
  });

  it('as decided by 2025-06-26, the chair of 2025-06-30 has no end yet; as decided by 2025-06-27 it ends on 2025-06-30 (決定日)', async () => {
    const chairOf = (out: any) => out.memberships.find((m: any) => m.role === 'chair');
    const before = await json('/export/popolo.json?body=secretariat&asOf=2025-06-30&knownAt=2025-06-26');
    const after = await json('/export/popolo.json?body=secretariat&asOf=2025-06-30&knownAt=2025-06-27');
    expect([chairOf(before).end_date, before.posts.find((p: any) => p.id === chairOf(before).post_id).end_date]).toEqual([null, null]);
    expect([chairOf(after).end_date, after.posts.find((p: any) => p.id === chairOf(after).post_id).end_date]).toEqual(['2025-06-30', '2025-06-30']);
    // the whole history as decided by 2025-06-26 holds nothing of the revision decided on 2025-06-27
    const history = await json('/export/popolo.json?knownAt=2025-06-26');
    expect(history.memberships.filter((m: any) => (m.start_date ?? m['meibo:at_least_since']) >= '2025-07-01')).toEqual([]);
    expect(history.memberships.filter((m: any) => m.end_date === '2025-06-30')).toEqual([]);
    expectValidPopolo(history);
    const csv = parseCsv(await (await get('/export/seats.csv?knownAt=2025-06-26')).text());
    expect(csv.slice(1).filter((r) => r[CSV_COLUMNS.indexOf('listedFrom')] >= '2025-07-01')).toEqual([]);
  });

  it('without asOf: every listing — the secretariat’s chair before and after 2025-07-01, linked as a rename of the kind the API gives', async () => {
    const out = await json('/export/popolo.json');
    expectValidPopolo(out);
    expect(out.organizations.filter((o: any) => o.classification === 'council').map((o: any) => o.identifiers[0].identifier)).toEqual([
      'promotion-council', 'deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting',
    ]);
    expect(out.organizations.some((o: any) => o.name === '最高裁判所')).toBe(true);
    const secretariat = out.organizations.find((o: any) => o.identifiers?.[0]?.identifier === 'secretariat');
    const post = (id: string) => out.posts.find((p: any) => p.id === id);
    const chairs = out.memberships.filter((m: any) => m.organization_id === secretariat.id && m.role === 'chair');
    expect(chairs.map((m: any) => [post(m.post_id).label, m.start_date ?? null, m['meibo:at_least_since'] ?? null, m.end_date])).toEqual([
      ['内閣官房内閣審議官（内閣サイバーセキュリティセンター）', null, '2024-03-25', '2025-06-30'],
      ['内閣官房内閣審議官（国家サイバー統括室）', '2025-07-01', null, null],
    ]);
    const diff = await t.gql<any>(
      `{ membershipDiff(body: "secretariat", from: "2025-06-30", to: "2025-07-01") { renamed { kind before { id } after { id } } } }`,
    );
    // renamed.before/after are listings: the memberships' own ids
    const chairRename = diff.data!.membershipDiff.renamed.find((r: any) => r.before.id === chairs[0].id);
    expect(chairRename.after.id).toBe(chairs[1].id);
    expect(chairRename.kind).toBe('RETITLE');
    expect(chairs[0]['meibo:renamed_to']).toEqual({ membership_id: chairs[1].id, kind: chairRename.kind });
    expect(chairs[1]['meibo:renamed_from']).toEqual({ membership_id: chairs[0].id, kind: chairRename.kind });
    // every rename of the API is linked, and nothing else is
    const linked = out.memberships.filter((m: any) => m['meibo:renamed_from'] && m.organization_id === secretariat.id);
    expect(linked.map((m: any) => [m['meibo:renamed_from'].membership_id, m.id, m['meibo:renamed_from'].kind]).sort()).toEqual(
      diff.data!.membershipDiff.renamed.map((r: any) => [r.before.id, r.after.id, r.kind]).sort(),
    );
    // a seat listed by both revisions is one post with two memberships, the second starting when its revision took effect
    const continuing = out.posts.find((p: any) => p.organization_id === secretariat.id && p['meibo:at_least_since'] && p.end_date === null);
    expect(out.memberships.filter((m: any) => m.post_id === continuing.id).map((m: any) => [m.start_date ?? m['meibo:at_least_since'], m.end_date])).toEqual([
      ['2024-03-25', '2025-06-30'],
      ['2025-07-01', null],
    ]);
    // narrowed to one body: only its memberships, and the body above it for its parent_id
    const one = await json('/export/popolo.json?body=secretariat');
    expect(new Set(one.memberships.map((m: any) => m.organization_id))).toEqual(new Set([secretariat.id]));
    expect(one.memberships).toEqual(out.memberships.filter((m: any) => m.organization_id === secretariat.id));
  });

  it('without asOf, the CSV has one row a listing: each with that listing’s position, source and days, and the seat’s own span', async () => {
    const rows = parseCsv(await (await get('/export/seats.csv?body=secretariat')).text()).slice(1);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    for (const day of ['2024-03-25', '2025-07-01']) {
      const listed = rows.filter((r) => r[col('listedFrom')] === day);
      expect(listed).toEqual((await members('secretariat', day)).map((l) => csvRow('secretariat', l)));
    }
    expect(rows.length).toBe((await members('secretariat', '2024-03-25')).length + (await members('secretariat', '2025-07-01')).length);
    expect(new Set(rows.filter((r) => r[col('listedFrom')] === '2024-03-25').map((r) => r[col('listedTo')]))).toEqual(new Set(['2025-07-01']));
  });

  it('refuses bad parameters with JSON errors carrying GraphQL’s codes', async () => {
    const cases: Array<[string, number, string]> = [
      ['/export/seats.csv?asOf=2025-02-30', 400, 'BAD_USER_INPUT'],
      ['/export/popolo.json?asOf=tomorrow', 400, 'BAD_USER_INPUT'],
      ['/export/popolo.json?asOf=2025-07-01&knownAt=yesterday', 400, 'BAD_USER_INPUT'],
      ['/export/seats.csv?knownAt=2025-13-01', 400, 'BAD_USER_INPUT'],
      ['/export/seats.csv?knownAt=2025-06-26&knownAt=2025-06-27', 400, 'BAD_USER_INPUT'],
      ['/export/seats.csv?as_of=2025-07-01', 400, 'BAD_USER_INPUT'],
      ['/export/seats.csv?known_at=2025-07-01', 400, 'BAD_USER_INPUT'],
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
    const bad = (await (await get('/export/seats.csv?knownAt=2025-13-01')).json()) as any;
    expect([bad.errors[0].message.startsWith('knownAt: '), bad.errors[0].extensions.knownAt]).toEqual([true, '2025-13-01']);
    const coverage = (await (await get('/export/seats.csv?body=secretariat&asOf=2024-03-24')).json()) as any;
    expect(coverage.errors[0].extensions.covered).toEqual([{ from: '2024-03-25', to: null }]);
    expect((await fetch(`${base}/export/seats.csv`, { method: 'POST' })).status).toBe(405);
  });

  it('source links are built from MEIBO_PUBLIC_URL, never from the Host header, and show the listing they cite', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(`${base}/export/popolo.json?body=secretariat&asOf=2025-07-01`, { headers: { host: 'evil.example' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    const out = JSON.parse(text);
    expect(text).not.toContain('evil.example');
    const chair = out.memberships.find((m: any) => m.role === 'chair');
    const url = new URL(chair.sources[0].url);
    expect(url.origin).toBe(PUBLIC_URL);
    const shown = (await (await yoga.fetch(`http://yoga${url.pathname}${url.search}`, { headers: { accept: 'application/json' } })).json()) as any;
    expect(shown.data.members.map((s: any) => `${ROLE_JA.CHAIR} ${s.position}`)).toEqual([chair.label]);
    expect(chair.sources[0].note).toContain(shown.data.members[0].source.instrument.title);
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

    // Under the ADD, the seat it moved down is 構成員 4 from 2027-04-01 and stays 構成員 3 before:
    // labels come from each listing, in the as-of file and the whole history alike.
    const moved = before.find((r) => r[1] === 'MEMBER' && r[2] === '3')!;
    const seatCol = CSV_COLUMNS.indexOf('seat');
    expect(rows.find((r) => r[seatCol] === moved[seatCol])?.[2]).toBe('4');
    const history = await json('/export/popolo.json?body=secretariat');
    expectValidPopolo(history);
    expect(history.memberships.filter((m: any) => m.post_id === moved[seatCol]).map((m: any) => [m.label, m.start_date ?? m['meibo:at_least_since'], m.end_date]).slice(-2)).toEqual([
      ['構成員 3', moved[CSV_COLUMNS.indexOf('listedFrom')], '2027-03-31'],
      ['構成員 4', '2027-04-01', null],
    ]);
    const current = history.memberships.filter((m: any) => m.end_date === null);
    expect(new Set(current.map((m: any) => m.label)).size).toBe(current.length);
  });

  it('a title recorded as a spreadsheet formula is exported as text (CSV injection), and verbatim in Popolo', async () => {
    const title = '=HYPERLINK("http://evil.example","x")';
    const recorded = await gql(
      yoga.fetch,
      RECORD,
      { input: { ...EXAMPLE_AMENDMENT, decidedOn: '2027-05-01', effectiveOn: '2027-06-01', changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', post: title, organization: 'デジタル庁' }] } },
      { authorization: `Bearer ${editor.token}` },
    );
    expect(recorded.errors).toBeUndefined();
    const text = await (await get('/export/seats.csv?body=secretariat&asOf=2027-06-01')).text();
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
    const rows = parseCsv(text);
    expect(rows.filter((r) => r[3].startsWith('=')).length).toBe(0);
    expect(rows.filter((r) => r[3] === `'${title}`).length).toBe(1);
    // every cell of every export, whole history included: none begins with a formula character
    for (const r of parseCsv(await (await get('/export/seats.csv')).text())) for (const cell of r) expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
    const out = await json('/export/popolo.json?body=secretariat&asOf=2027-06-01');
    expect(out.posts.filter((p: any) => p.label === title).length).toBe(1);
  });
});

function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
