// Diffs between versions (issue 20): what a revision changed (Revision.diffs), lists compared
// revision to revision, and by days — three ways of asking held against each other, on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

const DIFF_FIELDS = 'from to unchanged fromRevision { sequence } toRevision { sequence } added { id } removed { id } renamed { kind before { id } after { id } }';

describe.each(ENGINES)('diffs by version (%s)', (engine) => {
  let t: TestDirectory;
  type Rev = { id: string; sequence: number; decidedOn: string; inForceFrom: string; contentKnown: boolean };
  let revisions: Rev[];
  beforeAll(async () => {
    t = await openTestDirectory(engine);
    revisions = (await t.gql<any>(`{ body(code:"secretariat") { revisions { id sequence decidedOn inForceFrom contentKnown } } }`)).data!.body.revisions;
  });
  afterAll(() => t?.close());

  const strip = (d: any) => ({ ...d, from: undefined, to: undefined });

  it('says what the 2025 revision changed, body by body, as the day diff does', async () => {
    const id = revisions.find((x) => x.decidedOn === '2025-06-27')!.id;
    const r = await t.gql<any>(`query($id: ID!) { node(id: $id) { ... on Revision { instrument { code } decidedOn diffs { body { code } ${DIFF_FIELDS} } } } }`, { id });
    expect(r.errors).toBeUndefined();
    const rev = r.data!.node;
    expect(rev.instrument.code).toBe('designated-posts');
    const byBody = Object.fromEntries(rev.diffs.map((d: any) => [d.body.code, d]));
    expect([byBody['deputy-director-meeting'].renamed.length, byBody['deputy-director-meeting'].unchanged]).toEqual([3, 29]);
    expect([byBody.secretariat.renamed.length, byBody.secretariat.unchanged]).toEqual([3, 36]);
    expect(byBody.secretariat.renamed.map((x: any) => x.kind)).toEqual(['RETITLE', 'RETITLE', 'REPLACEMENT']);
    for (const body of ['deputy-director-meeting', 'secretariat']) {
      const byDays = (await t.gql<any>(`{ membershipDiff(body:"${body}", from:"2025-06-30", to:"2025-07-01") { ${DIFF_FIELDS} } }`)).data!.membershipDiff;
      expect(strip({ ...byBody[body], body: undefined })).toEqual(strip(byDays));
      expect(byBody[body].to).toBe('2025-07-01');
    }
  });

  it('holds all three ways of asking against each other for every revision with a known text', async () => {
    const known = revisions.filter((r) => r.contentKnown);
    expect(known.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < known.length; i++) {
      const [a, b] = [known[i - 1], known[i]];
      const r = await t.gql<any>(`query($a: ID!, $b: ID!, $id: ID!) {
        byRevisions: membershipDiff(body:"secretariat", fromRevision:$a, toRevision:$b) { ${DIFF_FIELDS} }
        node(id:$id) { ... on Revision { diffs { body { code } ${DIFF_FIELDS} } } }
      }`, { a: a.id, b: b.id, id: b.id });
      expect(r.errors).toBeUndefined();
      const own = r.data!.node.diffs.find((d: any) => d.body.code === 'secretariat');
      expect(own).toEqual({ body: { code: 'secretariat' }, ...r.data!.byRevisions });
      const dayBefore = new Date(Date.parse(b.inForceFrom) - 86_400_000).toISOString().slice(0, 10);
      const byDays = (await t.gql<any>(`{ membershipDiff(body:"secretariat", from:"${dayBefore}", to:"${b.inForceFrom}") { ${DIFF_FIELDS} } }`)).data!.membershipDiff;
      expect(strip(byDays)).toEqual(strip(r.data!.byRevisions));
    }
  });

  it('compares two revisions across others, and either way round', async () => {
    const first = revisions.find((r) => r.contentKnown)!;
    const last = revisions.at(-1)!;
    const r = await t.gql<any>(`query($a: ID!, $b: ID!) {
      f: membershipDiff(body:"secretariat", fromRevision:$a, toRevision:$b) { ${DIFF_FIELDS} }
      back: membershipDiff(body:"secretariat", fromRevision:$b, toRevision:$a) { unchanged renamed { kind } added { id } removed { id } }
      days: membershipDiff(body:"secretariat", from:"${first.inForceFrom}", to:"${last.inForceFrom}") { ${DIFF_FIELDS} }
    }`, { a: first.id, b: last.id });
    expect(r.errors).toBeUndefined();
    expect(strip(r.data!.f)).toEqual(strip(r.data!.days));
    expect(r.data!.back.renamed.map((x: any) => x.kind)).toEqual(r.data!.f.renamed.map((x: any) => x.kind));
    expect([r.data!.back.added.length, r.data!.back.removed.length]).toEqual([r.data!.f.removed.length, r.data!.f.added.length]);
  });

  it('refuses mixed, missing and foreign arguments, and unknown texts, with codes', async () => {
    const known = revisions.find((r) => r.contentKnown)!;
    const unknown = revisions.find((r) => !r.contentKnown)!;
    const liaison = (await t.gql<any>(`{ body(code:"advisor-liaison-meeting") { revisions { id contentKnown } } }`)).data!.body.revisions.find((r: any) => r.contentKnown);
    const code = async (args: string) => (await t.gql(`{ membershipDiff(body:"secretariat", ${args}) { unchanged } }`)).errors?.[0]?.extensions?.code;
    expect(await code(`from:"2025-06-30"`)).toBe('BAD_USER_INPUT');
    expect(await code(`fromRevision:"${known.id}"`)).toBe('BAD_USER_INPUT');
    expect(await code(`from:"2025-06-30", to:"2025-07-01", fromRevision:"${known.id}", toRevision:"${known.id}"`)).toBe('BAD_USER_INPUT');
    expect(await code(`fromRevision:"${known.id}", toRevision:"${liaison.id}"`)).toBe('BAD_USER_INPUT');
    expect(await code(`fromRevision:"nonsense", toRevision:"${known.id}"`)).toBe('BAD_USER_INPUT');
    expect(await code(`fromRevision:"${unknown.id}", toRevision:"${known.id}"`)).toBe('OUT_OF_COVERAGE');
    const own = await t.gql<any>(`query($id: ID!) { node(id:$id) { ... on Revision { diffs { unchanged } } } }`, { id: unknown.id });
    expect(own.errors![0].extensions!.code).toBe('OUT_OF_COVERAGE');
    expect(own.data!.node.diffs).toBeNull();
  });
});
