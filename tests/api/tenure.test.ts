// A seat is one post's continuous tenure in one body and role (issue 12): re-listed unchanged by a
// later revision it is the same seat (same id, same validFrom, validTo null while it continues)
// while each revision prints it as a listing of its own (issue 16); a rename ends one seat and
// starts another under the same seat key; an answer as decided by a day knows no later decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, parseTokens } from '../../src/auth.js';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

const editor = issueToken('tenure');

type Listing = {
  id: string; position: number; validFrom: string; validTo: string | null; post: { title: string }; source: { revision: { decidedOn: string } };
  seat: { id: string; seatKey: string; validFrom: string; validFromIsCoverageStart: boolean; validTo: string | null; post: { title: string } };
};
const LISTING = 'id position validFrom validTo post { title } source { revision { decidedOn } } seat { id seatKey validFrom validFromIsCoverageStart validTo post { title } }';
const decoded = (id: string) => Buffer.from(id, 'base64').toString();

describe.each(ENGINES)('seats as tenures on %s', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine, { tokens: parseTokens(editor.entry) });
  });
  afterAll(() => t?.close());

  const members = async (body: string, asOf: string, knownAt?: string) => {
    const r = await t.gql<{ members: Listing[] }>(`query($b: ID!, $d: Date!, $k: Date) { members(body: $b, asOf: $d, knownAt: $k) { ${LISTING} } }`, { b: body, d: asOf, k: knownAt });
    expect(r.errors).toBeUndefined();
    return r.data!.members;
  };
  const byTitle = (listings: Listing[], title: string) => listings.find((l) => l.post.title === title)!;

  it('keeps a post listed unchanged by the 2025 revision as the same seat, since the coverage began', async () => {
    const [before, after] = await Promise.all([members('deputy-director-meeting', '2025-06-30'), members('deputy-director-meeting', '2025-07-01')]);
    const [b, a] = [byTitle(before, '内閣法制局長官総務室総務課長'), byTitle(after, '内閣法制局長官総務室総務課長')];
    // one seat, the same on both days, with its whole tenure
    expect(a.seat).toEqual(b.seat);
    expect(b.seat).toMatchObject({ validFrom: '2024-03-25', validFromIsCoverageStart: true, validTo: null, post: { title: '内閣法制局長官総務室総務課長' } });
    // two listings, one per revision that prints it: each its own id, source and days
    expect(a.id).not.toBe(b.id);
    expect(b).toMatchObject({ validFrom: '2024-03-25', validTo: '2025-07-01', source: { revision: { decidedOn: '2024-03-25' } } });
    expect(a).toMatchObject({ validFrom: '2025-07-01', validTo: null, source: { revision: { decidedOn: '2025-06-27' } } });
    // 32 seats on each side; all but the three renamed are the same seats
    expect(before).toHaveLength(32);
    expect(after).toHaveLength(32);
    const seats = new Set(before.map((l) => l.seat.id));
    expect(after.filter((l) => seats.has(l.seat.id))).toHaveLength(after.length - 3);
    expect(after.filter((l) => before.some((x) => x.id === l.id))).toEqual([]);
  });

  it('ends a renamed seat on the effective day and starts its successor then, under the same seat key', async () => {
    const [before, after] = await Promise.all([members('deputy-director-meeting', '2025-06-30'), members('deputy-director-meeting', '2025-07-01')]);
    const [old, next] = [byTitle(before, '内閣官房内閣サイバーセキュリティセンター長'), byTitle(after, '内閣サイバー官')];
    expect(old.seat).toMatchObject({ validFrom: '2024-03-25', validTo: '2025-07-01' });
    expect(next.seat).toMatchObject({ validFrom: '2025-07-01', validFromIsCoverageStart: false, validTo: null });
    expect(next.seat.id).not.toBe(old.seat.id);
    expect(next.seat.seatKey).toBe(old.seat.seatKey);
  });

  it('as decided by a day before the 2025 decision, knows of no end, and names the decision it stands on in its ids', async () => {
    const seatIds: string[][] = [];
    for (const [asOf, knownAt] of [['2030-01-01', '2025-06-26'], ['2024-06-01', '2024-06-01']]) {
      const listings = await members('deputy-director-meeting', asOf, knownAt);
      expect(listings).toHaveLength(32);
      expect(listings.filter((l) => l.validTo !== null || l.seat.validTo !== null)).toEqual([]);
      expect(byTitle(listings, '内閣官房内閣サイバーセキュリティセンター長').source.revision.decidedOn).toBe('2024-03-25');
      // the last decision on or before either day is that of 2024-03-25: what both answers stand on
      for (const l of listings) {
        expect(decoded(l.id)).toMatch(/^Listing:\d+@2024-03-25$/);
        expect(decoded(l.seat.id)).toMatch(/^Seat:\d+@2024-03-25$/);
      }
      seatIds.push(listings.map((l) => l.seat.id).sort());
    }
    // so the same seats are the same objects, whichever day of that step was asked
    expect(seatIds[0]).toEqual(seatIds[1]);
    // decided by the decision day itself, the end is known, on the listing and on its seat
    const chair = byTitle(await members('deputy-director-meeting', '2025-06-30', '2025-06-27'), '内閣官房内閣サイバーセキュリティセンター長');
    expect([chair.validTo, chair.seat.validTo]).toEqual(['2025-07-01', '2025-07-01']);
  });

  it('lists revisions and coverage as known on a day', async () => {
    const r = await t.gql<{ body: { revisions: Array<{ decidedOn: string }>; all: Array<{ decidedOn: string }>; coverage: { to: string | null; ranges: unknown[]; checkedOn: string }; now: { checkedOn: string } } }>(
      `{ body(code: "secretariat") { revisions(knownAt: "2025-06-26") { decidedOn } all: revisions { decidedOn } coverage(knownAt: "2025-06-26") { to ranges { from to } checkedOn } now: coverage { checkedOn } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.body.all.at(-1)!.decidedOn).toBe('2025-06-27');
    expect(r.data!.body.revisions.at(-1)!.decidedOn).toBe('2024-03-25');
    expect(r.data!.body.revisions).toHaveLength(r.data!.body.all.length - 1);
    // as decided by a day, the answer knows the decisions up to the last one taken by then (2024-03-25), no later
    expect(r.data!.body.coverage).toMatchObject({ to: null, ranges: [{ from: '2024-03-25', to: null }], checkedOn: '2024-03-25' });
    expect(r.data!.body.now.checkedOn).toBe('2026-11-29');
  });

  it('tells a retitle from a succession and from a replacement, each rename keeping its seat key', async () => {
    type Side = { post: { title: string }; seat: { seatKey: string } };
    const diff = async (body: string) => {
      const r = await t.gql<{ membershipDiff: { unchanged: number; renamed: Array<{ kind: string; before: Side; after: Side }> } }>(
        `query($b: ID!) { membershipDiff(body: $b, from: "2025-06-30", to: "2025-07-01") { unchanged renamed { kind before { post { title } seat { seatKey } } after { post { title } seat { seatKey } } } } }`,
        { b: body },
      );
      expect(r.errors).toBeUndefined();
      for (const x of r.data!.membershipDiff.renamed) expect(x.after.seat.seatKey).toBe(x.before.seat.seatKey);
      return r.data!.membershipDiff;
    };
    const pairs = (d: Awaited<ReturnType<typeof diff>>) => d.renamed.map((x) => [x.kind, x.before.post.title, x.after.post.title]);
    // the notice prints one post in place of another and says no more: no recorded unit rename
    // turns one title into the other
    const deputy = await diff('deputy-director-meeting');
    expect(deputy.unchanged).toBe(29);
    expect(pairs(deputy)).toEqual([
      ['REPLACEMENT', '内閣官房内閣サイバーセキュリティセンター長', '内閣サイバー官'],
      ['REPLACEMENT', 'デジタル庁統括官（戦略・組織担当）付審議官', 'デジタル庁統括官付審議官'],
      ['REPLACEMENT', '最高裁判所事務総局情報政策課情報セキュリティ室長', '最高裁判所事務総局サイバーセキュリティ管理官'],
    ]);
    // 内閣サイバーセキュリティセンター → 国家サイバー統括室 is a recorded unit rename on that day
    const secretariat = await diff('secretariat');
    expect(secretariat.unchanged).toBe(36);
    expect(pairs(secretariat)).toEqual([
      ['RETITLE', '内閣官房内閣審議官（内閣サイバーセキュリティセンター）', '内閣官房内閣審議官（国家サイバー統括室）'],
      ['RETITLE', '内閣官房内閣参事官（内閣サイバーセキュリティセンター）', '内閣官房内閣参事官（国家サイバー統括室）'],
      ['REPLACEMENT', '最高裁判所事務総局情報政策課参事官', '最高裁判所事務総局デジタル審議官付参事官'],
    ]);
    // 参与 was a post the chairs could invite since 2021
    expect(pairs(await diff('advisor-liaison-meeting'))).toEqual([['SUCCESSION', 'サイバーセキュリティ補佐官', 'サイバーセキュリティ参与']]);
  });

  it('serves the basis the liaison meeting gives each member', async () => {
    const r = await t.gql<{ before: Array<{ basis: string | null }>; after: Array<{ basis: string | null }> }>(
      `{ before: members(body: "advisor-liaison-meeting", asOf: "2025-06-30") { basis } after: members(body: "advisor-liaison-meeting", asOf: "2025-07-01") { basis } }`,
    );
    expect(r.data!.before[1].basis).toContain('内閣サイバーセキュリティセンターに副センター長等を置く規則（平成28年３月31日内閣総理大臣決定）第２条');
    expect(r.data!.after[1].basis).toContain('国家サイバー統括室に統括官等を置く規則（令和　年　月　日内閣総理大臣決定）第７条');
    expect(r.data!.after[1].basis).toMatch(/をいう。以下同じ。$/);
    expect(r.data!.after[0].basis).toBeNull();
  });

  it("gives a post's whole history each seat once", async () => {
    const r = await t.gql<{ searchPosts: Array<{ seats: Array<{ id: string; validFrom: string; validTo: string | null }> }> }>(
      `{ searchPosts(text: "内閣法制局長官総務室総務課長") { seats { id validFrom validTo } } }`,
    );
    expect(r.data!.searchPosts[0].seats).toEqual([expect.objectContaining({ validFrom: '2024-03-25', validTo: null })]);
  });

  it('keeps a seat whose position moves, through an amendment and its revert', async () => {
    const auth = { authorization: `Bearer ${editor.token}` };
    const before = await members('secretariat', '2026-04-01');
    const third = before[3]; // chair is [0]; members start at [1]: position 3
    expect(third.position).toBe(3);
    const recorded = await t.gql<{ recordAmendment: { sequence: number } }>(
      `mutation { recordAmendment(input: { instrument: "designated-posts", title: "テスト", decidedOn: "2026-03-01", effectiveOn: "2026-04-01",
        changes: [{ kind: ADD, body: "secretariat", role: MEMBER, position: 3, post: "デジタル庁統括官付参事官（テスト担当）" }] }) { sequence } }`,
      undefined, auth,
    );
    expect(recorded.errors).toBeUndefined();
    const [eve, after] = [await members('secretariat', '2026-03-31'), await members('secretariat', '2026-04-01')];
    // the same seat, listed anew at position 4 from the effective day; the day before keeps position 3
    const moved = after.find((l) => l.seat.id === third.seat.id)!;
    expect(moved).toMatchObject({ position: 4, validFrom: '2026-04-01', validTo: null, post: third.post });
    expect(moved.id).not.toBe(third.id);
    expect(moved.seat).toEqual({ ...third.seat });
    expect(eve.find((l) => l.seat.id === third.seat.id)).toMatchObject({ position: 3, validTo: '2026-04-01' });
    const added = after.find((l) => l.post.title === 'デジタル庁統括官付参事官（テスト担当）')!;
    expect(added).toMatchObject({ position: 3, validFrom: '2026-04-01' });
    expect(added.seat).toMatchObject({ validFrom: '2026-04-01', validFromIsCoverageStart: false, validTo: null });
    expect(after).toHaveLength(before.length + 1);

    const reverted = await t.gql(
      `mutation($s: Int!) { revertLatestAmendment(instrument: "designated-posts", sequence: $s) { dryRun } }`,
      { s: recorded.data!.recordAmendment.sequence }, auth,
    );
    expect(reverted.errors).toBeUndefined();
    expect(await members('secretariat', '2026-04-01')).toEqual(before);
  });
});
