// "Who chairs (or sits on) body X as of day D?" — answered through the API as a dashboard asks it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

const SEAT = `role position validFrom validTo post { title organization { name } }
  source { instrument { title } revision { decidedOn effectiveOn } clause role } seat { id validFrom validTo }`;

describe.each(ENGINES)('as-of answers on %s', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine);
  });
  afterAll(() => t?.close());

  it('names the secretariat chair of the old list on 2025-06-30 and of the new one on 2025-07-01', async () => {
    const q = `query($d: Date!) { chair(body: "secretariat", asOf: $d) { ${SEAT} } }`;
    const before = await t.gql<{ chair: any }>(q, { d: '2025-06-30' });
    const after = await t.gql<{ chair: any }>(q, { d: '2025-07-01' });
    expect(before.data!.chair.post.title).toBe('内閣官房内閣審議官（内閣サイバーセキュリティセンター）');
    expect(before.data!.chair.validTo).toBe('2025-07-01');
    expect(before.data!.chair.source.revision).toEqual({ decidedOn: '2024-03-25', effectiveOn: null });
    // the old chair's seat ends that day and the new one's begins: a rename, not the same seat
    expect(before.data!.chair.seat).toMatchObject({ validFrom: '2024-03-25', validTo: '2025-07-01' });
    expect(after.data!.chair.seat).toMatchObject({ validFrom: '2025-07-01', validTo: null });
    expect(after.data!.chair.seat.id).not.toBe(before.data!.chair.seat.id);
    delete after.data!.chair.seat;
    expect(after.data!.chair).toEqual({
      role: 'CHAIR', position: 1, validFrom: '2025-07-01', validTo: null,
      post: { title: '内閣官房内閣審議官（国家サイバー統括室）', organization: { name: '内閣官房' } },
      source: {
        instrument: { title: 'サイバーセキュリティ対策推進会議議長の指定する職について' },
        revision: { decidedOn: '2025-06-27', effectiveOn: '2025-07-01' },
        clause: '第2項',
        role: 'CHAIR',
      },
    });
  });

  it('keeps the old list in force between the decision (06-27) and the effective day (07-01)', async () => {
    const r = await t.gql<{ chair: any }>(`{ chair(body: "deputy-director-meeting", asOf: "2025-06-28") { post { title } } }`);
    expect(r.data!.chair.post.title).toBe('内閣官房内閣サイバーセキュリティセンター長');
  });

  it('accepts 和暦 and abbreviated dates for the same day', async () => {
    for (const d of ['2025-07-01', '令和7年7月1日', '令和７年７月１日', 'R7.7.1']) {
      const r = await t.gql<{ chair: any }>(`query($d: Date!) { chair(body: "deputy-director-meeting", asOf: $d) { post { title } } }`, { d });
      expect(r.data!.chair.post.title, d).toBe('内閣サイバー官');
    }
  });

  it('lists members in the instrument’s order, chair first and observers last', async () => {
    const r = await t.gql<{ members: any[] }>(`{ members(body: "deputy-director-meeting", asOf: "2025-07-01") { role position post { title } } }`);
    const seats = r.data!.members;
    expect(seats).toHaveLength(1 + 26 + 5);
    expect(seats[0]).toEqual({ role: 'CHAIR', position: 1, post: { title: '内閣サイバー官' } });
    expect(seats[1].post.title).toBe('内閣官房内閣参事官（内閣総務官室（サイバーセキュリティ・情報化担当））');
    expect(seats[7].post.title).toBe('警察庁長官官房技術総括審議官');
    expect(seats[26].post.title).toBe('防衛省大臣官房サイバーセキュリティ・情報化審議官');
    expect(seats.at(-1)).toEqual({ role: 'OBSERVER', position: 5, post: { title: '最高裁判所事務総局サイバーセキュリティ管理官' } });
    const order = seats.map((s) => `${s.role}:${s.position}`);
    expect(order.slice(1, 27)).toEqual(Array.from({ length: 26 }, (_, i) => `MEMBER:${i + 1}`));
  });

  it('filters by role', async () => {
    const r = await t.gql<{ members: any[] }>(`{ members(body: "secretariat", asOf: "2024-06-01", role: OBSERVER) { position post { title organization { name } } } }`);
    expect(r.data!.members.map((s) => s.post.organization.name)).toEqual(['衆議院', '参議院', '国立国会図書館', '会計検査院', '最高裁判所', '日本銀行']);
    expect(r.data!.members[4].post.title).toBe('最高裁判所事務総局情報政策課参事官');
  });

  it('answers the advisor liaison meeting with its classes of members and no chair', async () => {
    const q = `query($d: Date!) { chair(body: "advisor-liaison-meeting", asOf: $d) { position } members(body: "advisor-liaison-meeting", asOf: $d) { post { title isClass } source { clause revision { decidedOn } } } }`;
    const old = await t.gql<{ chair: unknown; members: any[] }>(q, { d: 'H28.6.9' });
    expect(old.data!.chair).toBeNull();
    expect(old.data!.members.map((s) => s.post.title)).toEqual(['各府省庁の最高情報セキュリティアドバイザー', 'サイバーセキュリティ補佐官']);
    expect(old.data!.members[0].post.isClass).toBe(true);
    expect(old.data!.members[0].source).toEqual({ clause: '第2項', revision: { decidedOn: '2016-06-09' } });
    const now = await t.gql<{ members: any[] }>(q, { d: '2025-07-01' });
    expect(now.data!.members.map((s) => s.post.title)).toEqual(['各府省庁の最高情報セキュリティアドバイザー', 'サイバーセキュリティ参与']);
  });

  it('answers the same through Body fields, for every body at once', async () => {
    const r = await t.gql<{ bodies: any[] }>(`{ bodies { code name parent { code } coverage { from to rosterKnown } } }`);
    expect(r.data!.bodies).toEqual([
      { code: 'promotion-council', name: 'サイバーセキュリティ対策推進会議', parent: null, coverage: { from: null, to: null, rosterKnown: false } },
      { code: 'deputy-director-meeting', name: 'サイバーセキュリティ対策推進専任審議官等会議', parent: { code: 'promotion-council' }, coverage: { from: '2024-03-25', to: null, rosterKnown: true } },
      { code: 'secretariat', name: 'サイバーセキュリティ対策推進会議幹事会', parent: { code: 'promotion-council' }, coverage: { from: '2024-03-25', to: null, rosterKnown: true } },
      { code: 'advisor-liaison-meeting', name: '最高情報セキュリティアドバイザー等連絡会議', parent: { code: 'promotion-council' }, coverage: { from: '2016-06-09', to: null, rosterKnown: true } },
    ]);
    const b = await t.gql<{ body: any }>(`{ body(code: "secretariat") { chair(asOf: "2025-07-01") { post { title } } members(asOf: "2025-07-01", role: MEMBER) { position } } }`);
    expect(b.data!.body.chair.post.title).toBe('内閣官房内閣審議官（国家サイバー統括室）');
    expect(b.data!.body.members).toHaveLength(32);
  });

  it('shows a post’s seats across bodies, each with its place that day', async () => {
    const r = await t.gql<{ searchPosts: any[] }>(`{ searchPosts(text: "内閣官房内閣参事官（内閣総務官室") { title
      seats(asOf: "2025-07-01") { body { code } role validFrom validTo listing(asOf: "2025-07-01") { position source { revision { decidedOn } } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.searchPosts).toHaveLength(1);
    const listing = { position: 1, source: { revision: { decidedOn: '2025-06-27' } } };
    expect(r.data!.searchPosts[0].seats).toEqual([
      { body: { code: 'deputy-director-meeting' }, role: 'MEMBER', validFrom: '2024-03-25', validTo: null, listing },
      { body: { code: 'secretariat' }, role: 'MEMBER', validFrom: '2024-03-25', validTo: null, listing },
    ]);
  });

  it('lists the revisions of a body’s instrument, known by date only until 令和6年', async () => {
    const r = await t.gql<{ body: any }>(`{ body(code: "deputy-director-meeting") { revisions { sequence decidedOn effectiveOn inForceFrom contentKnown } } }`);
    const revisions = r.data!.body.revisions;
    expect(revisions).toHaveLength(16);
    expect(revisions[0]).toEqual({ sequence: 0, decidedOn: '2015-02-13', effectiveOn: null, inForceFrom: '2015-02-13', contentKnown: false });
    expect(revisions.filter((x: any) => x.contentKnown).map((x: any) => x.decidedOn)).toEqual(['2024-03-25', '2025-06-27']);
    expect(revisions.at(-1)).toEqual({ sequence: 15, decidedOn: '2025-06-27', effectiveOn: '2025-07-01', inForceFrom: '2025-07-01', contentKnown: true });
  });

  it('says who leads CYMAT and whom the chairs may invite, before and after 2025-07-01', async () => {
    const q = `query($d: Date!) { provisions(asOf: $d, kind: CYMAT_LEAD) { clause post { title } revision { decidedOn } }
      body(code: "secretariat") { provisions(asOf: $d) { kind post { title } text } } }`;
    const before = await t.gql<{ provisions: any[]; body: any }>(q, { d: '2025-06-30' });
    expect(before.data!.provisions).toEqual([{ clause: '４(1)', post: { title: 'NISCセンター長' }, revision: { decidedOn: '2016-10-07' } }]);
    expect(before.data!.body.provisions[0].text).toContain('内閣サイバーセキュリティセンターに副センター長等を置く規則');
    const after = await t.gql<{ provisions: any[]; body: any }>(q, { d: '2025-07-01' });
    expect(after.data!.provisions.map((p) => p.post.title)).toEqual(['内閣サイバー官']);
    expect(after.data!.body.provisions).toEqual([
      expect.objectContaining({ kind: 'INVITEE', post: { title: 'サイバーセキュリティ参与' } }),
    ]);
    expect(after.data!.body.provisions[0].text).toContain('国家サイバー統括室に統括官等を置く規則');
    const deputy = await t.gql<{ provisions: any[] }>(`{ provisions(asOf: "2025-07-01", kind: CYMAT_DEPUTY_LEAD) { post { title } } }`);
    expect(deputy.data!.provisions[0].post.title).toBe('国家サイバー統括室統括官（監視・対処調整・官民連携担当）');
  });
});
