// proposeAmendment: an editor pastes lists as printed and gets the changes, the diff and what
// could not be placed; the changes pass to recordAmendment as they are. Refusals carry the line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, parseTokens } from '../../src/auth.js';
import { parseDay } from '../../src/domain/dates.js';
import { loadDataset } from '../../src/domain/dataset.js';
import { openTestDirectory, type TestDirectory } from '../support/harness.js';

const editor = issueToken('alice');
const reader = issueToken('bob', []);
const TOKENS = parseTokens(`${editor.entry},${reader.entry}`);
const AS_EDITOR = { authorization: `Bearer ${editor.token}` };

const PROPOSE = `query($i: ID!, $d: Date!, $l: [ProposedListInput!]!) { proposeAmendment(instrument: $i, effectiveOn: $d, lists: $l) {
  changes { kind body role post from to position organization }
  diffs { body from to unchanged added { title } removed { title } renamed { kind before { title } after { role position title } } }
  unplaced { body line title reason hint } } }`;

/** The secretariat's list from 2025-07-01, printed as the notice prints it (labels spaced, long titles wrapped at 22). */
function printed(): string {
  const label = { CHAIR: '議   長', MEMBER: '構 成 員', OBSERVER: 'オブザーバー' } as Record<string, string>;
  const seats = loadDataset().seats.filter((s) => s.body === 'secretariat' && s.revision === '2025-06-27');
  return seats.flatMap((s) => {
    const chunks = s.title.match(/.{1,22}/gu)!;
    return [`${s.position === 1 ? `${label[s.role]} ` : ''}${chunks[0]}`, ...chunks.slice(1)];
  }).join('\n');
}

describe('proposeAmendment', () => {
  let t: TestDirectory;
  beforeAll(async () => {
    t = await openTestDirectory('pglite', { dataset: loadDataset(undefined, { decidedBefore: parseDay('2025-06-27') }), tokens: TOKENS });
  });
  afterAll(() => t?.close());

  it('plans the 2025 secretariat list as the three renames of the notice, writing nothing', async () => {
    const seats = await t.directory.prisma.seat.count();
    const r = await t.gql<{ proposeAmendment: any }>(PROPOSE, { i: 'designated-posts', d: '令和7年7月1日', l: [{ body: 'secretariat', text: printed() }] }, AS_EDITOR);
    expect(r.errors).toBeUndefined();
    const p = r.data!.proposeAmendment;
    expect(p.unplaced).toEqual([]);
    expect(p.changes.map((c: any) => `${c.kind} ${c.role} ${c.from} → ${c.to}`)).toEqual([
      'REPLACE CHAIR 内閣官房内閣審議官（内閣サイバーセキュリティセンター） → 内閣官房内閣審議官（国家サイバー統括室）',
      'REPLACE MEMBER 内閣官房内閣参事官（内閣サイバーセキュリティセンター） → 内閣官房内閣参事官（国家サイバー統括室）',
      'REPLACE OBSERVER 最高裁判所事務総局情報政策課参事官 → 最高裁判所事務総局デジタル審議官付参事官',
    ]);
    expect(p.diffs).toHaveLength(1);
    expect(p.diffs[0]).toMatchObject({ body: 'secretariat', from: '2025-06-30', to: '2025-07-01', unchanged: 36, added: [], removed: [] });
    expect(p.diffs[0].renamed.map((x: any) => x.kind)).toEqual(['RETITLE', 'RETITLE', 'RETITLE']);
    expect(await t.directory.prisma.seat.count()).toBe(seats);

    // The changes, as they are, are an amendment recordAmendment takes.
    const record = await t.gql<{ recordAmendment: any }>(
      `mutation($input: AmendmentInput!) { recordAmendment(input: $input, dryRun: true) { diffs { body { code } renamed { after { title } } } } }`,
      { input: { instrument: 'designated-posts', title: 'test', decidedOn: '2025-06-27', effectiveOn: '2025-07-01', changes: p.changes } },
      AS_EDITOR,
    );
    expect(record.errors).toBeUndefined();
    expect(record.data!.recordAmendment.diffs.find((d: any) => d.body.code === 'secretariat').renamed).toHaveLength(3);
  });

  it('is for editors only', async () => {
    const r = await t.gql(PROPOSE, { i: 'designated-posts', d: '2025-07-01', l: [{ body: 'secretariat', text: printed() }] }, { authorization: `Bearer ${reader.token}` });
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(PROPOSE, { i: 'designated-posts', d: '2025-07-01', l: [{ body: 'secretariat', text: printed() }] });
    expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(anonymous.errors?.[0].extensions?.code);
  });

  it.each([
    ['a title before any role label', '内閣官房内閣審議官（国家サイバー統括室）\n構成員 人事院事務総局情報管理室長', 1],
    ['a list that leaves part out', '議長 内閣官房内閣審議官（国家サイバー統括室）\n構成員 人事院事務総局情報管理室長\n（略）', 3],
    ['a title listed twice', '議長 内閣官房内閣審議官（国家サイバー統括室）\n構成員 人事院事務総局情報管理室長\n人事院事務総局情報管理室長', 3],
    ['a hint naming a line that is not there', { text: '議長 内閣官房内閣審議官（国家サイバー統括室）', join: [7] }, 7],
  ])('refuses %s with BAD_USER_INPUT and its line', async (_what, list, line) => {
    const l = typeof list === 'string' ? { body: 'secretariat', text: list } : { body: 'secretariat', ...list };
    const r = await t.gql(PROPOSE, { i: 'designated-posts', d: '2025-07-01', l: [l] }, AS_EDITOR);
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', line });
  });

  it('refuses a body the instrument does not fix, and an unknown instrument, with codes', async () => {
    const wrongBody = await t.gql(PROPOSE, { i: 'designated-posts', d: '2025-07-01', l: [{ body: 'advisor-liaison-meeting', text: '構成員 サイバーセキュリティ参与' }] }, AS_EDITOR);
    expect(wrongBody.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknown = await t.gql(PROPOSE, { i: 'nothing', d: '2025-07-01', l: [{ body: 'secretariat', text: '構成員 x' }] }, AS_EDITOR);
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('reports an ambiguous line with its number instead of guessing', async () => {
    const text = printed().replace('人事院事務総局情報管理室長', '人事院事務総局情報管理室長\n情報化参与');
    const r = await t.gql<{ proposeAmendment: any }>(PROPOSE, { i: 'designated-posts', d: '2025-07-01', l: [{ body: 'secretariat', text }] }, AS_EDITOR);
    const p = r.data!.proposeAmendment;
    expect(p.changes).toEqual([]);
    const line = text.split('\n').indexOf('情報化参与') + 1;
    expect(p.unplaced).toEqual([expect.objectContaining({ body: 'secretariat', line, title: '情報化参与', hint: `--join ${line} or --split ${line}` })]);
  });
});
