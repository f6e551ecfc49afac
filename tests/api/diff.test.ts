// "What changed in body X between two days?" — renames are reported as renames.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDirectory, type TestDirectory } from '../support/harness.js';

const DIFF = `from to unchanged body { code } fromRevision { sequence } toRevision { sequence }
  added { role position post { title } }
  removed { role position post { title } }
  renamed { kind before { role position validTo post { title } seat { validTo } } after { role position validFrom post { title } seat { validFrom } } }`;

describe.each(ENGINES)('membership diff on %s', (engine) => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory(engine);
  });
  afterAll(() => t?.close());

  const diff = async (body: string, from: string, to: string) => {
    const r = await t.gql<{ membershipDiff: any }>(`query($b: ID!, $f: Date!, $t: Date!) { membershipDiff(body: $b, from: $f, to: $t) { ${DIFF} } }`, { b: body, f: from, t: to });
    expect(r.errors).toBeUndefined();
    return r.data!.membershipDiff;
  };
  const pairs = (d: any) => d.renamed.map((r: any) => [r.before.post.title, r.after.post.title]);

  it('reports the deputy-director meeting across 2025-07-01 as three renames and 29 unchanged seats', async () => {
    const d = await diff('deputy-director-meeting', '2025-06-30', '2025-07-01');
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.unchanged).toBe(29);
    expect(pairs(d)).toEqual([
      ['内閣官房内閣サイバーセキュリティセンター長', '内閣サイバー官'],
      ['デジタル庁統括官（戦略・組織担当）付審議官', 'デジタル庁統括官付審議官'],
      ['最高裁判所事務総局情報政策課情報セキュリティ室長', '最高裁判所事務総局サイバーセキュリティ管理官'],
    ]);
    expect(d.renamed[0].before).toMatchObject({ role: 'CHAIR', position: 1, validTo: '2025-07-01', seat: { validTo: '2025-07-01' } });
    expect(d.renamed[0].after).toMatchObject({ role: 'CHAIR', position: 1, validFrom: '2025-07-01', seat: { validFrom: '2025-07-01' } });
    // the lists compared: the revisions in force on each day
    expect([d.body.code, d.fromRevision.sequence, d.toRevision.sequence]).toEqual(['deputy-director-meeting', 14, 15]);
  });

  it('reports the secretariat’s chair, NISC counsellor and Supreme Court observer as renamed', async () => {
    const d = await diff('secretariat', '令和6年4月1日', '令和7年7月1日');
    expect(d.unchanged).toBe(1 + 32 + 6 - 3);
    expect(pairs(d)).toEqual([
      ['内閣官房内閣審議官（内閣サイバーセキュリティセンター）', '内閣官房内閣審議官（国家サイバー統括室）'],
      ['内閣官房内閣参事官（内閣サイバーセキュリティセンター）', '内閣官房内閣参事官（国家サイバー統括室）'],
      ['最高裁判所事務総局情報政策課参事官', '最高裁判所事務総局デジタル審議官付参事官'],
    ]);
  });

  it('reports 補佐官 → 参与 in the advisor liaison meeting', async () => {
    const d = await diff('advisor-liaison-meeting', '2025-06-30', '2025-07-01');
    expect(pairs(d)).toEqual([['サイバーセキュリティ補佐官', 'サイバーセキュリティ参与']]);
    expect(d.unchanged).toBe(1);
  });

  it('finds nothing changed between two days of one list', async () => {
    const d = await diff('secretariat', '2025-07-01', '2026-11-26');
    expect(d).toMatchObject({ from: '2025-07-01', to: '2026-11-26', added: [], removed: [], renamed: [], unchanged: 39 });
    expect(d.fromRevision).toEqual(d.toRevision);
  });

  it('reads backwards too: from the new list to the old one', async () => {
    const d = await diff('deputy-director-meeting', '2025-07-01', '2025-06-30');
    expect(pairs(d)[0]).toEqual(['内閣サイバー官', '内閣官房内閣サイバーセキュリティセンター長']);
    expect([d.from, d.to, d.fromRevision.sequence, d.toRevision.sequence]).toEqual(['2025-07-01', '2025-06-30', 15, 14]);
    // each side as listed on its own day, and the same kinds as forwards
    expect(d.renamed[0].before).toMatchObject({ role: 'CHAIR', validTo: null, seat: { validTo: null } });
    const forward = await diff('deputy-director-meeting', '2025-06-30', '2025-07-01');
    expect(d.renamed.map((r: any) => r.kind)).toEqual(forward.renamed.map((r: any) => r.kind));
    expect(pairs(d)).toEqual(pairs(forward).map(([a, b]: string[]) => [b, a]));
  });

  it('refuses a day outside coverage instead of diffing against the nearest list', async () => {
    const r = await t.gql(`{ membershipDiff(body: "secretariat", from: "2024-03-24", to: "2025-07-01") { unchanged } }`);
    expect(r.errors![0].extensions!.code).toBe('OUT_OF_COVERAGE');
  });
});
