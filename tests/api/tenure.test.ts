// A seat is one post's continuous tenure in one body and role (issue 12): re-listed unchanged by a
// later revision it is the same seat (same id, same validFrom, validTo null while it continues);
// a retitle ends one seat and starts another; an answer as known on a day knows no later decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, parseTokens } from '../../src/auth.js';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

const editor = issueToken('tenure');

type Seat = { id: string; position: number; validFrom: string; validFromIsCoverageStart: boolean; validTo: string | null; post: { title: string }; source: { revision: { decidedOn: string } } };
const SEAT = 'id position validFrom validFromIsCoverageStart validTo post { title } source { revision { decidedOn } }';

describe.each(ENGINES)('seats as tenures on %s', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine, { tokens: parseTokens(editor.entry) });
  });
  afterAll(() => t?.close());

  const members = async (body: string, asOf: string, knownAt?: string) => {
    const r = await t.gql<{ members: Seat[] }>(`query($b: ID!, $d: Date!, $k: Date) { members(body: $b, asOf: $d, knownAt: $k) { ${SEAT} } }`, { b: body, d: asOf, k: knownAt });
    expect(r.errors).toBeUndefined();
    return r.data!.members;
  };
  const byTitle = (seats: Seat[], title: string) => seats.find((s) => s.post.title === title)!;

  it('keeps a post listed unchanged by the 2025 revision as the same seat, since the coverage began', async () => {
    const [before, after] = await Promise.all([members('deputy-director-meeting', '2025-06-30'), members('deputy-director-meeting', '2025-07-01')]);
    const [b, a] = [byTitle(before, '内閣法制局長官総務室総務課長'), byTitle(after, '内閣法制局長官総務室総務課長')];
    expect(a.id).toBe(b.id);
    expect(b).toMatchObject({ validFrom: '2024-03-25', validFromIsCoverageStart: true, validTo: null });
    expect(a).toMatchObject({ validFrom: '2024-03-25', validFromIsCoverageStart: true, validTo: null });
    // the listing in force on each day is its source
    expect(b.source.revision.decidedOn).toBe('2024-03-25');
    expect(a.source.revision.decidedOn).toBe('2025-06-27');
    // 32 seats on each side; all but the three retitled are the same seats
    const ids = new Set(before.map((s) => s.id));
    expect(after.filter((s) => ids.has(s.id))).toHaveLength(after.length - 3);
  });

  it('ends a retitled seat on the effective day and starts its successor then', async () => {
    const [before, after] = await Promise.all([members('deputy-director-meeting', '2025-06-30'), members('deputy-director-meeting', '2025-07-01')]);
    expect(byTitle(before, '内閣官房内閣サイバーセキュリティセンター長')).toMatchObject({ validTo: '2025-07-01', validFrom: '2024-03-25' });
    expect(byTitle(after, '内閣サイバー官')).toMatchObject({ validFrom: '2025-07-01', validFromIsCoverageStart: false, validTo: null });
  });

  it('as known on a day before the 2025 decision, knows of no end', async () => {
    for (const [asOf, knownAt] of [['2030-01-01', '2025-06-26'], ['2024-06-01', '2024-06-01']]) {
      const seats = await members('deputy-director-meeting', asOf, knownAt);
      expect(seats).toHaveLength(32);
      expect(seats.filter((s) => s.validTo !== null)).toEqual([]);
      expect(byTitle(seats, '内閣官房内閣サイバーセキュリティセンター長').source.revision.decidedOn).toBe('2024-03-25');
    }
    // known on the decision day itself, the end is known
    expect(byTitle(await members('deputy-director-meeting', '2025-06-30', '2025-06-27'), '内閣官房内閣サイバーセキュリティセンター長').validTo).toBe('2025-07-01');
  });

  it('lists revisions and coverage as known on a day', async () => {
    const r = await t.gql<{ body: { revisions: Array<{ decidedOn: string }>; all: Array<{ decidedOn: string }>; coverage: { to: string | null; ranges: unknown[]; checkedOn: string } } }>(
      `{ body(code: "secretariat") { revisions(knownAt: "2025-06-26") { decidedOn } all: revisions { decidedOn } coverage(knownAt: "2025-06-26") { to ranges { from to } checkedOn } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.body.all.at(-1)!.decidedOn).toBe('2025-06-27');
    expect(r.data!.body.revisions.at(-1)!.decidedOn).toBe('2024-03-25');
    expect(r.data!.body.revisions).toHaveLength(r.data!.body.all.length - 1);
    expect(r.data!.body.coverage).toMatchObject({ to: null, ranges: [{ from: '2024-03-25', to: null }], checkedOn: '2026-11-29' });
  });

  it('tells a retitle from a succession', async () => {
    const diff = async (body: string) => {
      const r = await t.gql<{ membershipDiff: { unchanged: number; renamed: Array<{ kind: string; before: { post: { title: string } }; after: { post: { title: string } } }> } }>(
        `query($b: ID!) { membershipDiff(body: $b, from: "2025-06-30", to: "2025-07-01") { unchanged renamed { kind before { post { title } } after { post { title } } } } }`,
        { b: body },
      );
      expect(r.errors).toBeUndefined();
      return r.data!.membershipDiff;
    };
    const deputy = await diff('deputy-director-meeting');
    expect(deputy.unchanged).toBe(29);
    expect(deputy.renamed.map((r) => r.kind)).toEqual(['RETITLE', 'RETITLE', 'RETITLE']);
    const liaison = await diff('advisor-liaison-meeting');
    expect(liaison.renamed).toEqual([
      { kind: 'SUCCESSION', before: { post: { title: 'サイバーセキュリティ補佐官' } }, after: { post: { title: 'サイバーセキュリティ参与' } } },
    ]);
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
    const recorded = await t.gql(
      `mutation { recordAmendment(input: { instrument: "designated-posts", title: "テスト", decidedOn: "2026-03-01", effectiveOn: "2026-04-01",
        changes: [{ kind: ADD, body: "secretariat", role: MEMBER, position: 3, post: "デジタル庁統括官付参事官（テスト担当）" }] }) { dryRun } }`,
      undefined, auth,
    );
    expect(recorded.errors).toBeUndefined();
    const after = await members('secretariat', '2026-04-01');
    const moved = after.find((s) => s.id === third.id)!;
    expect(moved).toMatchObject({ position: 4, validFrom: third.validFrom, validTo: null, post: third.post });
    expect(after.find((s) => s.post.title === 'デジタル庁統括官付参事官（テスト担当）')).toMatchObject({ position: 3, validFrom: '2026-04-01', validFromIsCoverageStart: false });

    const reverted = await t.gql(`mutation { revertLatestAmendment(instrument: "designated-posts") { dryRun } }`, undefined, auth);
    expect(reverted.errors).toBeUndefined();
    expect(await members('secretariat', '2026-04-01')).toEqual(before);
  });
});
