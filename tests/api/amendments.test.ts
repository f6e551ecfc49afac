// Recording amendments: replaying the 2025-06-27 notice, previews, revert, time travel, bad
// input, tokens and the audit trail — through the API as an editor would.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAmendment } from '../../src/write/amendments.js';
import { issueToken, parseTokens } from '../../src/auth.js';
import { parseAmendmentFile } from '../../src/domain/amendment-file.js';
import { parseDay } from '../../src/domain/dates.js';
import { loadDataset } from '../../src/domain/dataset.js';
import { ENGINES, openTestDirectory, withPg, type TestDirectory } from '../support/harness.js';

const editor = issueToken('alice');
const readerOnly = issueToken('bob', []);
const TOKENS = parseTokens(`${editor.entry},${readerOnly.entry}`);
const AS_EDITOR = { authorization: `Bearer ${editor.token}` };

const notice = (name: string) =>
  parseAmendmentFile(readFileSync(new URL(`../../prisma/data/amendments/${name}`, import.meta.url), 'utf8'), name);

const RECORD = `mutation($input: AmendmentInput!, $dryRun: Boolean) {
  recordAmendment(input: $input, dryRun: $dryRun) {
    dryRun sequence decidedOn effectiveOn revision { sequence title contentKnown }
    diffs { body { code } from to unchanged added { role position title } removed { role position title } renamed { before { title } after { title } } }
    auditEntry { actor action }
  } }`;

/** Row counts of every table an amendment touches: "nothing written" means these do not move. */
async function rowCounts(t: TestDirectory) {
  const p = t.directory.prisma;
  return { seats: await p.seat.count(), revisions: await p.revision.count(), posts: await p.post.count(), audit: await p.auditEntry.count() };
}

/** Every seat row, as a comparable dump. */
async function seatDump(t: TestDirectory) {
  const seats = await t.directory.prisma.seat.findMany({ include: { post: true }, orderBy: { id: 'asc' } });
  return seats.map((s) => `${s.bodyId}|${s.role}|${s.position}|${s.post.title}|${s.seatKey}|${s.validFrom.toISOString()}|${s.validTo?.toISOString() ?? '-'}`);
}

const REVERT = `mutation($s: Int!) { revertLatestAmendment(instrument: "designated-posts", sequence: $s) { sequence } }`;

const membersQuery = `query($b: ID!, $d: Date!, $k: Date) { members(body: $b, asOf: $d, knownAt: $k) { role position post { title } source { revision { decidedOn effectiveOn } } } }`;

describe.each(ENGINES)('amendments on %s', (engine) => {
  describe('replaying the 2025-06-27 notice over the data as it stood before it', () => {
    let t: TestDirectory;
    const full = loadDataset();
    beforeAll(async () => {
      t = await openTestDirectory(engine, { dataset: loadDataset(undefined, { decidedBefore: parseDay('2025-06-27') }), tokens: TOKENS });
    });
    afterAll(() => t?.close());

    it('starts from the old lists only', async () => {
      const r = await t.gql<{ members: any[] }>(membersQuery, { b: 'secretariat', d: '2025-07-01' });
      expect(r.data!.members[0].post.title).toBe('内閣官房内閣審議官（内閣サイバーセキュリティセンター）');
    });

    it('gives exactly the post-2025 lists of the dataset, in order, with their source', async () => {
      for (const file of ['2025-06-27-designated-posts.yaml', '2025-06-27-advisor-liaison-meeting.yaml']) {
        await recordAmendment(t.directory.prisma, notice(file), { actor: 'test' });
      }
      for (const body of ['deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting']) {
        const expected = full.seats.filter((s) => s.body === body && s.revision === '2025-06-27').map((s) => `${s.role} ${s.position} ${s.title}`);
        const r = await t.gql<{ members: any[] }>(membersQuery, { b: body, d: '2025-07-01' });
        expect(r.data!.members.map((s) => `${s.role} ${s.position} ${s.post.title}`), body).toEqual(expected);
        expect(new Set(r.data!.members.map((s) => JSON.stringify(s.source.revision)))).toEqual(new Set([JSON.stringify({ decidedOn: '2025-06-27', effectiveOn: '2025-07-01' })]));
        const old = await t.gql<{ members: any[] }>(membersQuery, { b: body, d: '2025-06-30' });
        const expectedOld = full.seats.filter((s) => s.body === body && s.validTo === '2025-07-01').map((s) => `${s.role} ${s.position} ${s.title}`);
        expect(old.data!.members.map((s) => `${s.role} ${s.position} ${s.post.title}`), body).toEqual(expectedOld);
      }
    });

    it('reports the replayed change as renames of the kinds the seeded data gives', async () => {
      const diff = async (body: string) => (await t.gql<{ membershipDiff: any }>(`query($b: ID!) { membershipDiff(body: $b, from: "2025-06-30", to: "2025-07-01") {
        unchanged added { position } removed { position } renamed { kind after { post { title } } } } }`, { b: body })).data!.membershipDiff;
      expect(await diff('deputy-director-meeting')).toEqual({
        unchanged: 29, added: [], removed: [],
        renamed: [
          { kind: 'REPLACEMENT', after: { post: { title: '内閣サイバー官' } } },
          { kind: 'REPLACEMENT', after: { post: { title: 'デジタル庁統括官付審議官' } } },
          { kind: 'REPLACEMENT', after: { post: { title: '最高裁判所事務総局サイバーセキュリティ管理官' } } },
        ],
      });
      // a unit's recorded rename makes a retitle, a post that existed before a succession
      expect((await diff('secretariat')).renamed.map((r: { kind: string }) => r.kind)).toEqual(['RETITLE', 'RETITLE', 'REPLACEMENT']);
      expect(await diff('advisor-liaison-meeting')).toEqual({
        unchanged: 1, added: [], removed: [], renamed: [{ kind: 'SUCCESSION', after: { post: { title: 'サイバーセキュリティ参与' } } }],
      });
    });
  });

  describe('an editor at work', () => {
    let t: TestDirectory;
    const invalidated: number[][] = [];
    beforeAll(async () => {
      t = await openTestDirectory(engine, { tokens: TOKENS, afterWrite: async (ids) => void invalidated.push(ids) });
    });
    afterAll(() => t?.close());

    const addMember = (extra: Record<string, unknown> = {}) => ({
      instrument: 'designated-posts',
      title: '「サイバーセキュリティ対策推進会議議長の指定する職について」の一部改正について',
      decidedOn: '令和8年11月26日',
      effectiveOn: '令和9年4月1日',
      changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' }],
      ...extra,
    });

    it('previews an amendment without writing anything', async () => {
      const before = await rowCounts(t);
      const r = await t.gql<{ recordAmendment: any }>(RECORD, { input: addMember(), dryRun: true }, AS_EDITOR);
      expect(r.errors).toBeUndefined();
      const preview = r.data!.recordAmendment;
      expect(preview).toMatchObject({ dryRun: true, sequence: 16, decidedOn: '2026-11-26', effectiveOn: '2027-04-01', revision: null, auditEntry: null });
      const secretariat = preview.diffs.find((d: any) => d.body.code === 'secretariat');
      expect(secretariat).toMatchObject({ from: '2027-03-31', to: '2027-04-01', unchanged: 39, removed: [], renamed: [] });
      expect(secretariat.added).toEqual([{ role: 'MEMBER', position: 3, title: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' }]);
      expect(preview.diffs.find((d: any) => d.body.code === 'deputy-director-meeting')).toMatchObject({ unchanged: 32, added: [] });
      expect(await rowCounts(t)).toEqual(before);
      expect(invalidated).toEqual([]);
    });

    it('records it: the old list answers until effectiveOn, the new one from then, as the preview said', async () => {
      const preview = (await t.gql<{ recordAmendment: any }>(RECORD, { input: addMember(), dryRun: true }, AS_EDITOR)).data!.recordAmendment;
      const r = await t.gql<{ recordAmendment: any }>(RECORD, { input: addMember() }, AS_EDITOR);
      expect(r.errors).toBeUndefined();
      expect(r.data!.recordAmendment).toMatchObject({ dryRun: false, revision: { sequence: 16, contentKnown: true }, auditEntry: { actor: 'alice', action: 'RECORD_AMENDMENT' } });
      expect(r.data!.recordAmendment.diffs).toEqual(preview.diffs);
      expect(invalidated.at(-1)!.length).toBe(2); // both bodies of the instrument

      const titles = async (d: string, k?: string) =>
        (await t.gql<{ members: any[] }>(membersQuery, { b: 'secretariat', d, k })).data!.members.filter((s) => s.role === 'MEMBER').map((s) => s.post.title);
      expect(await titles('2027-03-31')).toHaveLength(32);
      const after = await titles('2027-04-01');
      expect(after).toHaveLength(33);
      expect(after[2]).toBe('デジタル庁統括官付参事官（サイバーセキュリティ担当）');
      expect(after[3]).toBe('内閣官房内閣参事官（内閣広報室）'); // was 3rd, moved down one

      // Bitemporal: in force on 2027-04-01 as known the day before the decision, the old list.
      expect(await titles('2027-04-01', '2026-11-25')).toHaveLength(32);
      expect(await titles('2027-04-01', '2026-11-26')).toHaveLength(33);

      const diff = await t.gql<{ membershipDiff: any }>(`{ membershipDiff(body: "secretariat", from: "2027-03-31", to: "2027-04-01") { unchanged added { role position post { title } } } }`);
      expect(diff.data!.membershipDiff).toEqual({ unchanged: 39, added: [{ role: 'MEMBER', position: 3, post: { title: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' } }] });
    });

    it('answers "not covered" for a day before anything was decided, as known then', async () => {
      const r = await t.gql(membersQuery, { b: 'secretariat', d: '2025-07-01', k: '2024-01-01' });
      expect(r.errors![0].extensions).toMatchObject({ code: 'OUT_OF_COVERAGE', knownAt: '2024-01-01' });
    });

    it('lists the audit trail newest first', async () => {
      const r = await t.gql<{ amendments: any }>(`{ amendments(first: 5) { edges { node { action actor revisionSequence instrument { code } diff } } } }`);
      const nodes = r.data!.amendments.edges.map((e: any) => e.node);
      expect(nodes[0]).toMatchObject({ action: 'RECORD_AMENDMENT', actor: 'alice', revisionSequence: 16, instrument: { code: 'designated-posts' } });
      expect(JSON.parse(nodes[0].diff).find((d: any) => d.body === 'secretariat').added[0].title).toBe('デジタル庁統括官付参事官（サイバーセキュリティ担当）');
    });

    it.each([
      ['two chairs of one body', { changes: [{ kind: 'ADD', body: 'secretariat', role: 'CHAIR', post: '内閣官房内閣審議官（国家サイバー統括室）２' }] }, 0, /already has a chair/],
      ['a post seated twice in one body', { changes: [{ kind: 'ADD', body: 'secretariat', role: 'OBSERVER', post: '日本銀行システム情報局情報セキュリティ課長' }] }, 0, /already seated/],
      ['effectiveOn before decidedOn', { decidedOn: '2028-05-01', effectiveOn: '2028-04-01' }, null, /before decidedOn/],
      ['a change naming a seat that is not there', {
        changes: [
          { kind: 'REPLACE', body: 'secretariat', from: '環境省大臣官房総務課環境情報室長', to: '環境省大臣官房総務課環境情報管理室長' },
          { kind: 'REMOVE', body: 'secretariat', post: '存在しない職' },
        ],
      }, 1, /not seated/],
      ['a body the instrument does not fix', { changes: [{ kind: 'REMOVE', body: 'advisor-liaison-meeting', post: 'サイバーセキュリティ参与' }] }, 0, /not one whose seats/],
      ['an amendment taking effect before the latest one', { decidedOn: '2026-12-01', effectiveOn: '2026-12-01' }, null, /not after 2027-04-01/],
      ['a missing field', { changes: [{ kind: 'REPLACE', body: 'secretariat', from: '環境省大臣官房総務課環境情報室長' }] }, 0, /`to` is required/],
    ])('rejects %s with BAD_USER_INPUT naming the change, writing nothing', async (_name, patch, index, message) => {
      const before = await rowCounts(t);
      const dump = await seatDump(t);
      const input = { ...addMember({ decidedOn: '2028-01-01', effectiveOn: '2028-04-01' }), ...patch };
      const r = await t.gql(RECORD, { input }, AS_EDITOR);
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(r.errors)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].message).toMatch(message);
      if (index !== null) {
        expect(r.errors![0].extensions!.changeIndex).toBe(index);
        expect(r.errors![0].message).toContain(`change #${index + 1}`);
      }
      expect(await rowCounts(t)).toEqual(before);
      expect(await seatDump(t)).toEqual(dump);
    });

    it('enforces the temporal rules in the database too, not only in the application', async () => {
      const p = t.directory.prisma;
      const chair = await p.seat.findFirstOrThrow({ where: { role: 'CHAIR', validTo: null, body: { code: 'secretariat' } } });
      const other = await p.post.findFirstOrThrow({ where: { title: '内閣サイバー官' } });
      const overlappingChair = p.seat.create({ data: { ...chair, id: undefined, postId: other.id, position: 2, seatKey: 'x', validFrom: new Date('2030-01-01') } });
      await expect(overlappingChair).rejects.toThrow(/seat_one_chair_per_day/);
      const twice = p.seat.create({ data: { ...chair, id: undefined, role: 'OBSERVER', position: 99, seatKey: 'y', validFrom: new Date('2030-01-01') } });
      await expect(twice).rejects.toThrow(/seat_post_once_per_body/);
      await expect(p.revision.create({ data: { instrumentId: chair.revisionId, sequence: 99, decidedOn: new Date('2030-02-01'), effectiveOn: new Date('2030-01-01') } })).rejects.toThrow(/revision_effective_after_decided/);
    });

    it('refuses writes without authority: no token, a wrong token, a token without the editor scope', async () => {
      const before = await rowCounts(t);
      const input = addMember({ decidedOn: '2028-01-01', effectiveOn: '2028-04-01' });
      const none = await t.gql(RECORD, { input });
      expect(none.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      const wrong = await t.gql(RECORD, { input }, { authorization: 'Bearer meibo_not-a-real-token' });
      expect(wrong.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      const reader = await t.gql(RECORD, { input }, { authorization: `Bearer ${readerOnly.token}` });
      expect(reader.errors![0].extensions!.code).toBe('FORBIDDEN');
      expect(JSON.stringify([none, wrong, reader])).not.toContain(editor.token);
      expect(await rowCounts(t)).toEqual(before);
      // reads stay public
      expect((await t.gql(`{ bodies { code } }`)).errors).toBeUndefined();
    });

    it('reverts the latest amendment, leaving the directory exactly as before it', async () => {
      const beforeAmendment = await seatDump(t);
      const postsBefore = await t.directory.prisma.post.count();
      const r0 = await t.gql<{ recordAmendment: any }>(RECORD, { input: addMember({ decidedOn: '2028-01-10', effectiveOn: '2028-04-01', changes: [
        { kind: 'SET_CHAIR', body: 'deputy-director-meeting', post: '内閣官房副長官補（事態対処・危機管理）' },
        { kind: 'REMOVE', body: 'secretariat', role: 'OBSERVER', post: '日本銀行システム情報局情報セキュリティ課長' },
      ] }) }, AS_EDITOR);
      expect(r0.errors).toBeUndefined();
      const revert = `mutation($s: Int!) { revertLatestAmendment(instrument: "designated-posts", sequence: $s) { sequence diffs { body { code } added { title } removed { title } } auditEntry { action actor } } }`;
      const r = await t.gql<{ revertLatestAmendment: any }>(revert, { s: r0.data!.recordAmendment.sequence }, AS_EDITOR);
      expect(r.errors).toBeUndefined();
      expect(r.data!.revertLatestAmendment.sequence).toBe(r0.data!.recordAmendment.sequence);
      expect(r.data!.revertLatestAmendment.auditEntry).toEqual({ action: 'REVERT_AMENDMENT', actor: 'alice' });
      const chair = await t.gql<{ chair: any }>(`{ chair(body: "deputy-director-meeting", asOf: "2028-04-01") { post { title } validTo } }`);
      expect(chair.data!.chair).toEqual({ post: { title: '内閣サイバー官' }, validTo: null });
      expect(await t.directory.prisma.post.count({ where: { title: '内閣官房副長官補（事態対処・危機管理）' } })).toBe(0);
      expect(await seatDump(t)).toEqual(beforeAmendment);
      expect(await t.directory.prisma.post.count()).toBe(postsBefore);
    });

    it('answers an unknown instrument with NOT_FOUND', async () => {
      const r = await t.gql(RECORD, { input: addMember({ instrument: 'no-such-instrument' }) }, AS_EDITOR);
      expect(r.errors![0].extensions!.code).toBe('NOT_FOUND');
    });
  });
  describe('a correction', () => {
    // A directory of its own: the in-memory embedded database is one per process.
    let seeded: TestDirectory;
    beforeAll(async () => {
      seeded = await openTestDirectory(engine, { tokens: TOKENS });
    });
    afterAll(() => seeded?.close());
    const addMember = () => ({
      instrument: 'designated-posts', title: 'test amendment', decidedOn: '2026-11-26', effectiveOn: '2027-04-01',
      changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' }],
    });

    it('reverts back to exactly the seeded rows (every column), and refuses to revert source data', async () => {
        const before = await seatDump(seeded);
        const counts = await rowCounts(seeded);
        const recorded = await seeded.gql<{ recordAmendment: { sequence: number } }>(RECORD, { input: addMember() }, AS_EDITOR);
        expect(recorded.errors).toBeUndefined();
        const sequence = recorded.data!.recordAmendment.sequence;
        expect(sequence).toBe(16);
        const during = await seatDump(seeded);
        expect(during).not.toEqual(before);
        // a revert naming a revision that is not the latest undoes nothing: CONFLICT, naming both
        const stale = await seeded.gql(REVERT, { s: sequence - 1 }, AS_EDITOR);
        expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', latestSequence: sequence, expectedSequence: sequence - 1 });
        expect(await seatDump(seeded)).toEqual(during);
        expect((await seeded.gql(REVERT, { s: sequence }, AS_EDITOR)).errors).toBeUndefined();
        expect(await seatDump(seeded)).toEqual(before);
        expect({ ...(await rowCounts(seeded)), audit: counts.audit }).toEqual(counts);
        // the latest is now the source data's revision 15: not the editors' to undo
        const again = await seeded.gql(REVERT, { s: sequence - 1 }, AS_EDITOR);
        expect(again.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
        // and asking to revert 16 again (a double submit) undoes nothing either
        const twice = await seeded.gql(REVERT, { s: sequence }, AS_EDITOR);
        expect(twice.errors![0].extensions).toMatchObject({ code: 'CONFLICT', latestSequence: sequence - 1 });
        expect(await seatDump(seeded)).toEqual(before);
    });

    it('serializes two editors racing on one instrument: one wins, the other fails cleanly', async () => {
      const input = (post: string) => ({ ...addMember(), effectiveOn: '2029-04-01', changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', post }] });
      const revisions = await seeded.directory.prisma.revision.count();
      const results = await Promise.all([
        seeded.gql(RECORD, { input: input('内閣官房競合テスト用参事官Ａ') , dryRun: false }, AS_EDITOR),
        seeded.gql(RECORD, { input: input('内閣官房競合テスト用参事官Ｂ') , dryRun: false }, AS_EDITOR),
      ]);
      const ok = results.filter((r) => !r.errors);
      const failed = results.filter((r) => r.errors);
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      // Both were decided the same day: the loser plans after the winner (the row lock) and is told so.
      expect(failed[0].errors![0].extensions!.code).toBe('CONFLICT');
      expect(failed[0].errors![0].message).toMatch(/already has a revision decided on 2026-11-26 \(revision 16/);
      expect(await seeded.directory.prisma.revision.count()).toBe(revisions + 1);
      const members = await seeded.gql<{ members: any[] }>(`{ members(body: "secretariat", asOf: "2029-04-01", role: MEMBER) { post { title } } }`);
      expect(members.data!.members.filter((m) => m.post.title.startsWith('内閣官房競合テスト用'))).toHaveLength(1);
    });
  });
  describe('odd input', () => {
    let t: TestDirectory;
    beforeAll(async () => {
      t = await openTestDirectory(engine, { tokens: TOKENS });
    });
    afterAll(() => t?.close());

    const amendment = (extra: Record<string, unknown> = {}) => ({
      instrument: 'designated-posts', title: 'テスト改正', decidedOn: '2026-11-26', effectiveOn: '2027-04-01',
      changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' }],
      ...extra,
    });
    /** Reverts the latest revision of the instrument, as read just before (the sequence the caller means). */
    const revert = async () => {
      const read = await t.gql<{ instruments: Array<{ code: string; revisions: Array<{ sequence: number }> }> }>(`{ instruments { code revisions { sequence } } }`);
      const latest = read.data!.instruments.find((i) => i.code === 'designated-posts')!.revisions.at(-1)!.sequence;
      return t.gql(REVERT, { s: latest }, AS_EDITOR);
    };

    /**
     * Every table as rows of text, in a stable order: what a revert must give back exactly. Not the
     * audit trail (a revert is an entry of its own) nor the data version (it counts writes).
     */
    async function dumpAll() {
      const p = t.directory.prisma;
      const tables = (await p.$queryRawUnsafe<Array<{ name: string }>>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
      )).map((r) => r.name).filter((name) => !['audit_entry', 'data_version'].includes(name));
      expect(tables).toEqual(expect.arrayContaining(['organization', 'post', 'seat', 'revision', 'provision', 'body', 'instrument', 'unit']));
      const dump: Record<string, string[]> = {};
      for (const table of tables) {
        const rows = await p.$queryRawUnsafe<Array<{ row: string }>>(`SELECT row_to_json(x)::text AS row FROM "${table}" x ORDER BY 1`);
        dump[table] = rows.map((r) => r.row);
      }
      return dump;
    }

    it('reverts to exactly the directory before the amendment, every table, posts included', async () => {
      const before = await dumpAll();
      const changes = [
        { kind: 'SET_CHAIR', body: 'secretariat', post: '内閣官房国家サイバー統括室長（テスト）' },
        { kind: 'REPLACE', body: 'secretariat', from: '環境省大臣官房総務課環境情報室長', to: '環境省大臣官房総務課環境情報管理室長' },
        { kind: 'ADD', body: 'deputy-director-meeting', role: 'OBSERVER', post: '衆議院事務局情報基盤整備室参事（テスト）', organization: '衆議院' },
        { kind: 'REMOVE', body: 'secretariat', role: 'OBSERVER', post: '日本銀行システム情報局情報セキュリティ課長' },
        { kind: 'ADD', body: 'secretariat', role: 'OBSERVER', post: '日本銀行システム情報局情報セキュリティ課長', position: 1 },
      ];
      const r = await t.gql<{ recordAmendment: any }>(RECORD, { input: amendment({ decidedOn: '2026-12-01', changes }) }, AS_EDITOR);
      expect(r.errors).toBeUndefined();
      const during = await dumpAll();
      expect(during.post.length).toBe(before.post.length + 3);
      expect(during.seat).not.toEqual(before.seat);
      expect((await revert()).errors).toBeUndefined();
      expect(await dumpAll()).toEqual(before);
    });

    it('refuses a second amendment decided the same day as a CONFLICT naming the recorded revision, writing nothing', async () => {
      expect((await t.gql(RECORD, { input: amendment() }, AS_EDITOR)).errors).toBeUndefined();
      const before = await dumpAll();
      const later = amendment({ effectiveOn: '2027-05-01', changes: [{ kind: 'REMOVE', body: 'secretariat', post: '環境省大臣官房総務課環境情報室長' }] });
      for (const dryRun of [true, false]) {
        const r = await t.gql(RECORD, { input: later, dryRun }, AS_EDITOR);
        expect(r.errors![0].extensions).toMatchObject({ code: 'CONFLICT', revision: { instrument: 'designated-posts', sequence: 16, decidedOn: '2026-11-26' } });
        expect(r.errors![0].message).toMatch(/already has a revision decided on 2026-11-26 \(revision 16, 「テスト改正」/);
      }
      expect(await dumpAll()).toEqual(before);
      expect((await revert()).errors).toBeUndefined();
    });

    it('lets exactly one of 20 identical concurrent amendments through; the other 19 get CONFLICT', async () => {
      const revisions = await t.directory.prisma.revision.count();
      const results = await Promise.all(Array.from({ length: 20 }, () => t.gql(RECORD, { input: amendment() }, AS_EDITOR)));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      const codes = results.filter((r) => r.errors).map((r) => r.errors![0].extensions!.code);
      expect(codes).toEqual(Array(19).fill('CONFLICT'));
      expect(await t.directory.prisma.revision.count()).toBe(revisions + 1);
      const members = await t.gql<{ members: any[] }>(`{ members(body: "secretariat", asOf: "2027-04-01", role: MEMBER) { post { title } } }`);
      expect(members.data!.members.filter((m) => m.post.title === 'デジタル庁統括官付参事官（サイバーセキュリティ担当）')).toHaveLength(1);
      expect((await revert()).errors).toBeUndefined();
    });

    // PostgreSQL only: the embedded database has one connection, so nothing can write beside it.
    // A session of our own writes by hand and holds its transaction open; the amendment, sent
    // meanwhile, must wait for it (counted: a session blocked by ours) and then be refused cleanly.
    const racingHand = async (handWrite: string, input: Record<string, unknown>) => {
      const schema = (await t.directory.prisma.$queryRawUnsafe<Array<{ s: string }>>('SELECT current_schema() AS s'))[0].s;
      return withPg(async (hand) => {
        await hand.query(`SET search_path TO "${schema}", public`);
        await hand.query('BEGIN');
        await hand.query(handWrite);
        const pending = t.gql(RECORD, { input }, AS_EDITOR);
        let blocked = 0;
        for (let polls = 0; polls < 2000 && blocked === 0; polls++) {
          const r = await hand.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))');
          blocked = r.rows[0].n;
          if (!blocked) await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect(blocked).toBe(1);
        await hand.query('COMMIT');
        return pending;
      });
    };
    if (engine === 'postgres') {
      it('refuses an amendment racing a revision written by hand for the same day as a CONFLICT naming it', async () => {
        const r = await racingHand(
          `INSERT INTO revision (instrument_id, sequence, title, decided_on, effective_on, content_known)
           SELECT id, 1000, '手で記録した改正', DATE '2026-11-26', DATE '2027-04-01', true FROM instrument WHERE code = 'designated-posts'`,
          amendment(),
        );
        expect(r.errors![0].extensions).toMatchObject({ code: 'CONFLICT', revision: { sequence: 1000, decidedOn: '2026-11-26' } });
        expect(r.errors![0].message).toMatch(/revision 1000, 「手で記録した改正」/);
        await t.directory.prisma.revision.deleteMany({ where: { sequence: 1000 } });
      });

      it('turns an exclusion violation raised by a seat written by hand meanwhile into CONFLICT, naming the rule', async () => {
        const before = await t.directory.prisma.seat.count();
        const r = await racingHand(
          `INSERT INTO seat (body_id, post_id, revision_id, clause, role, position, seat_key, valid_from)
           SELECT b.id, p.id, (SELECT max(id) FROM revision), '手', 'OBSERVER', 99, 'by-hand', DATE '2030-01-01'
           FROM body b, post p WHERE b.code = 'secretariat' AND p.title = '内閣サイバー官'`,
          amendment({ changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', post: '内閣サイバー官' }] }),
        );
        expect(r.errors![0].extensions).toMatchObject({ code: 'CONFLICT', constraint: 'seat_post_once_per_body' });
        expect(r.errors![0].message).toMatch(/a post would sit twice in one body on overlapping days/);
        expect(await t.directory.prisma.seat.count()).toBe(before + 1); // the hand's seat, nothing of the amendment
        await t.directory.prisma.seat.deleteMany({ where: { seatKey: 'by-hand' } });
      });
    }

    it('refuses self-contradicting changes in the dry run and the write alike, naming both, writing nothing', async () => {
      const before = await dumpAll();
      const cases = [
        [{ kind: 'SET_CHAIR', body: 'secretariat', post: '内閣サイバー官' }, { kind: 'SET_CHAIR', body: 'secretariat', post: '内閣官房副長官補（事態対処・危機管理）' }],
        [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', post: '内閣官房テスト参事官' }, { kind: 'REMOVE', body: 'secretariat', post: '内閣官房テスト参事官' }],
        [{ kind: 'REPLACE', body: 'secretariat', from: '環境省大臣官房総務課環境情報室長', to: '環境省甲' }, { kind: 'REPLACE', body: 'secretariat', from: '環境省大臣官房総務課環境情報室長', to: '環境省乙' }],
      ];
      for (const changes of cases) {
        for (const dryRun of [true, false]) {
          const r = await t.gql(RECORD, { input: amendment({ decidedOn: '2028-01-01', effectiveOn: '2028-04-01', changes }), dryRun }, AS_EDITOR);
          expect(r.errors![0].extensions, JSON.stringify(r.errors)).toMatchObject({ code: 'BAD_USER_INPUT', changeIndex: 1, changeIndexes: [0, 1] });
          expect(r.errors![0].message).toMatch(/^change #2 .* contradicts change #1 /);
        }
      }
      expect(await dumpAll()).toEqual(before);
    });

    it('stores a title typed decomposed (カ + ゛) as printed, the same in the dry run and the write', async () => {
      const decomposed = '内閣官房カ\u3099ハ\u3099ナンス担当参事官';
      const composed = decomposed.normalize('NFC');
      expect(composed).not.toBe(decomposed);
      // an explicit organization, and a title the organization does not begin: the case that threw
      const changes = [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', post: ` ${decomposed}\n`, organization: '内閣官房' }];
      const input = amendment({ decidedOn: '2028-02-01', effectiveOn: '2028-04-01', changes });
      const preview = await t.gql<{ recordAmendment: any }>(RECORD, { input, dryRun: true }, AS_EDITOR);
      expect(preview.errors).toBeUndefined();
      const written = await t.gql<{ recordAmendment: any }>(RECORD, { input }, AS_EDITOR);
      expect(written.errors).toBeUndefined();
      expect(written.data!.recordAmendment.diffs).toEqual(preview.data!.recordAmendment.diffs);
      const added = written.data!.recordAmendment.diffs.find((d: any) => d.body.code === 'secretariat').added;
      expect(added).toEqual([{ role: 'MEMBER', position: 33, title: composed }]);
      expect(await t.directory.prisma.post.count({ where: { title: composed } })).toBe(1);
      for (const text of [composed, decomposed, 'ガバナンス担当']) {
        const found = await t.gql<{ searchPosts: any[] }>(`query($s: String!) { searchPosts(text: $s) { title } }`, { s: text });
        expect(found.data!.searchPosts).toEqual([{ title: composed }]);
      }
      // the same title again, typed the other way: one post, already seated
      const again = await t.gql(RECORD, { input: amendment({ decidedOn: '2028-03-01', effectiveOn: '2028-05-01', changes: [{ kind: 'ADD', body: 'secretariat', role: 'OBSERVER', post: composed }] }) }, AS_EDITOR);
      expect(again.errors![0].message).toMatch(/already seated/);
      expect((await revert()).errors).toBeUndefined();
      expect(await t.directory.prisma.post.count({ where: { title: composed } })).toBe(0);
    });

    it.each([
      ['a zero-width space in a title', { changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', post: '内閣官房\u200B参事官' }] }, 'BAD_USER_INPUT', /contains U\+200B/],
      ['a 1 MB title', { changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', post: `内閣官房${'x'.repeat(1_000_000)}` }] }, 'BAD_USER_INPUT', /1000004 characters long/],
      ['a 1 MB instrument code', { instrument: 'x'.repeat(1_000_000) }, 'NOT_FOUND', /No instrument has the code/],
      ['a 1 MB body code', { changes: [{ kind: 'REMOVE', body: 'x'.repeat(1_000_000), post: '内閣サイバー官' }] }, 'BAD_USER_INPUT', /is not one whose seats/],
      ['a 1 MB organization', { changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', post: '謎の職', organization: 'x'.repeat(1_000_000) }] }, 'BAD_USER_INPUT', /organization 「x+…/],
      ['a control character in the note', { note: 'a\u0007b' }, 'BAD_USER_INPUT', /note contains U\+0007/],
    ])('refuses %s with a coded error quoting at most a short prefix', async (_name, patch, code, message) => {
      const r = await t.gql(RECORD, { input: amendment({ decidedOn: '2028-06-01', effectiveOn: '2028-07-01', ...patch }), dryRun: true }, AS_EDITOR);
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(r.errors).slice(0, 500)).toBe(code);
      expect(r.errors![0].message).toMatch(message);
      expect(JSON.stringify(r).length).toBeLessThan(1500);
    });
    it('answers any amendment with a result or a coded error, never "Unexpected error." (fast-check)', async () => {
      // Mostly real titles (so that some amendments go through and are written), else anything.
      const text = fc.oneof(
        { arbitrary: fc.constantFrom('内閣サイバー官', '環境省大臣官房総務課環境情報室長', '日本銀行システム情報局情報セキュリティ課長', '内閣官房新設参事官', '内閣官房'), weight: 6 },
        { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
        { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 1 },
      );
      const body = fc.oneof({ arbitrary: fc.constantFrom('secretariat', 'deputy-director-meeting'), weight: 6 }, { arbitrary: text, weight: 1 });
      const role = fc.constantFrom('CHAIR', 'VICE_CHAIR', 'MEMBER', 'OBSERVER');
      const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });
      const change = fc.oneof(
        fc.record({ kind: fc.constant('REPLACE'), body, from: text, to: text, role: maybe(role), organization: maybe(text) }),
        fc.record({ kind: fc.constant('ADD'), body, role, post: text, position: maybe(fc.integer({ min: -2, max: 50 })), organization: maybe(text) }),
        fc.record({ kind: fc.constant('REMOVE'), body, post: text, role: maybe(role) }),
        fc.record({ kind: fc.constant('SET_CHAIR'), body, post: text, organization: maybe(text) }),
        // and anything: fields missing or belonging to another kind
        fc.record(
          { kind: fc.constantFrom('REPLACE', 'ADD', 'REMOVE', 'SET_CHAIR'), body, role, post: text, from: text, to: text, position: fc.integer(), organization: text },
          { requiredKeys: ['kind', 'body'] },
        ),
      );
      const input = fc.record({
        instrument: fc.oneof({ arbitrary: fc.constant('designated-posts'), weight: 6 }, { arbitrary: text, weight: 1 }),
        title: fc.oneof({ arbitrary: fc.constant('テスト改正'), weight: 3 }, { arbitrary: text, weight: 1 }),
        decidedOn: fc.constantFrom('2029-01-01', '2029-01-02', '令和11年1月1日'),
        effectiveOn: fc.oneof({ arbitrary: fc.constant('2029-04-01'), weight: 6 }, { arbitrary: fc.constant('2028-12-31'), weight: 1 }),
        note: maybe(text), changes: fc.array(change, { minLength: 1, maxLength: 3 }),
      });
      let written = 0;
      await fc.assert(
        fc.asyncProperty(input, fc.boolean(), async (amendment, dryRun) => {
          const before = dryRun ? null : await dumpAll();
          const r = await t.gql(RECORD, { input: amendment, dryRun }, AS_EDITOR);
          expect([200, 400]).toContain(r.status); // 400: refused before execution (a string the database cannot store)
          for (const e of r.errors ?? []) expect(['BAD_USER_INPUT', 'CONFLICT', 'NOT_FOUND'], JSON.stringify(e)).toContain(e.extensions?.code);
          if (!r.errors && !dryRun) {
            written++;
            expect((await revert()).errors).toBeUndefined();
          }
          if (before) expect(await dumpAll()).toEqual(before); // refused: nothing written; written: reverted exactly
        }),
        { numRuns: 150, seed: 11 },
      );
      expect(written).toBeGreaterThan(0);
    });
  });
});
