// The test that counts (issue 19): importing the notice of 令和7年6月27日 over the data as it
// stood before it reproduces the two amendment files an editor wrote by hand, and recording what
// the import planned gives exactly the lists in force from 2025-07-01.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { amendmentYaml } from '../../src/cli/planning.js';
import { ImportRefused, planNotice, type PlannedInstrument } from '../../src/cli/import-notice.js';
import { parseAmendmentFile } from '../../src/domain/amendment-file.js';
import type { AmendmentChange } from '../../src/domain/amendment-plan.js';
import { parseDay } from '../../src/domain/dates.js';
import { loadDataset } from '../../src/domain/dataset.js';
import { recordAmendment } from '../../src/write/amendments.js';
import { openTestDirectory, type TestDirectory } from '../support/harness.js';

const NOTICE = readFileSync(new URL('../../prisma/data/sources/000_5a5b03eb7e06fcd7.txt', import.meta.url), 'utf8');
const handWritten = (name: string) => parseAmendmentFile(readFileSync(new URL(`../../prisma/data/amendments/${name}`, import.meta.url), 'utf8'), name);

/** kind, body, role, titles and position of a change; a REPLACE/REMOVE without role takes the role of the seat it names. */
function essentials(changes: AmendmentChange[], roleOf: (body: string, title: string) => string) {
  return changes.map((c) => {
    switch (c.kind) {
      case 'replace': return { kind: c.kind, body: c.body, role: c.role ?? roleOf(c.body, c.from), from: c.from, to: c.to };
      case 'remove': return { kind: c.kind, body: c.body, role: c.role ?? roleOf(c.body, c.post), post: c.post };
      case 'add': return { kind: c.kind, body: c.body, role: c.role, post: c.post, position: c.position };
      case 'setChair': return { kind: c.kind, body: c.body, post: c.post };
    }
  });
}

describe('importing the notice of 令和7年6月27日 over the data as it stood before it', () => {
  let t: TestDirectory;
  let planned: PlannedInstrument[];
  const before = loadDataset(undefined, { decidedBefore: parseDay('2025-06-27') });
  const full = loadDataset();
  const roleOf = (body: string, title: string) => before.seats.find((s) => s.body === body && s.title === title && s.validTo === null)!.role;

  beforeAll(async () => {
    t = await openTestDirectory('pglite', { dataset: before });
    planned = await planNotice(t.directory.prisma, NOTICE, '000_5a5b03eb7e06fcd7.txt');
  });
  afterAll(() => t?.close());

  it('finds the seven amendments: two of lists, two of texts only, three of instruments meibo does not know', () => {
    expect(planned.map((p) => [p.amendment.instrument, p.amendment.kind, p.amendment.document.decidedOn, p.amendment.document.effectiveOn])).toEqual([
      ['advisor-liaison-meeting', 'lists', '2025-06-27', '2025-07-01'],
      [null, 'unknown', '2025-06-27', '2025-07-01'],
      [null, 'unknown', '2025-06-27', '2025-07-01'],
      ['council-operation', 'texts', '2025-06-27', '2025-07-01'],
      ['designated-posts', 'lists', '2025-06-27', '2025-07-01'],
      ['cymat-operation', 'texts', '2025-06-27', '2025-07-01'],
      [null, 'unknown', '2025-06-27', '2025-07-01'],
    ]);
  });

  it('reproduces the changes of the hand-written files: same kinds, bodies, roles, titles and positions', () => {
    for (const [code, file] of [['advisor-liaison-meeting', '2025-06-27-advisor-liaison-meeting.yaml'], ['designated-posts', '2025-06-27-designated-posts.yaml']]) {
      const p = planned.find((x) => x.amendment.instrument === code)!;
      expect(p.proposal!.unplaced).toEqual([]);
      // Through the file it writes, as an editor would get it.
      const written = parseAmendmentFile(amendmentYaml(p.file!), `${code}.yaml`);
      const expected = handWritten(file);
      expect(essentials(written.changes, roleOf), code).toEqual(essentials(expected.changes, roleOf));
      expect({ ...written, changes: [], note: null }).toEqual({ ...expected, changes: [], note: null });
      // The organization hints the hand-written file gives, the import gives too.
      expect(written.changes.map((c) => (c.kind === 'remove' ? undefined : c.organization))).toEqual(expected.changes.map((c) => (c.kind === 'remove' ? undefined : c.organization)));
    }
  });

  it('tells a retitle from a succession as the time-model rules do', () => {
    const kinds = planned.flatMap((p) => p.proposal?.bodies.flatMap((b) => b.renames.map((r) => `${r.kind} ${r.to}`)) ?? []);
    expect(kinds).toContain('SUCCESSION サイバーセキュリティ参与');
    expect(kinds).toContain('RETITLE 内閣サイバー官');
    expect(kinds.filter((k) => k.startsWith('SUCCESSION'))).toHaveLength(1);
  });

  it('reports the text-only amendments with their provision texts, never as seat changes', () => {
    const cymat = planned.find((p) => p.amendment.instrument === 'cymat-operation')!;
    expect(cymat.proposal).toBeNull();
    const lead = cymat.amendment.texts.find((x) => x.clause === 4)!;
    expect(lead.after).toContain('政府CISOである内閣サイバー官（以下「統括責任者」という。）');
    expect(lead.before).toContain('政府CISOであるNISCセンター長（以下「統括責任者」という。）');
    const operation = planned.find((p) => p.amendment.instrument === 'council-operation')!;
    expect(operation.amendment.texts.map((x) => x.clause)).toEqual([1]);
    // The dataset's own provision text is the after-column's clause, less its heading.
    const invitee = full.provisions.find((p) => p.instrument === 'council-operation' && p.revision === '2025-06-27')!;
    expect(operation.amendment.texts[0].after).toBe(`１会議への出席について${invitee.text}`);
  });

  it('recording what it wrote gives exactly the post-2025 lists', async () => {
    for (const code of ['designated-posts', 'advisor-liaison-meeting']) {
      const file = planned.find((x) => x.amendment.instrument === code)!.file!;
      await recordAmendment(t.directory.prisma, parseAmendmentFile(amendmentYaml(file)), { actor: 'test' });
    }
    for (const body of ['deputy-director-meeting', 'secretariat', 'advisor-liaison-meeting']) {
      const expected = full.seats.filter((s) => s.body === body && s.revision === '2025-06-27').map((s) => `${s.role} ${s.position} ${s.title}`);
      const r = await t.gql<{ members: Array<{ role: string; position: number; post: { title: string } }> }>(
        'query($b: ID!) { members(body: $b, asOf: "2025-07-01") { role position post { title } } }', { b: body },
      );
      expect(r.data!.members.map((s) => `${s.role} ${s.position} ${s.post.title}`), body).toEqual(expected);
    }
  });

  it('refuses, naming the titles and the line, when a before-list is not meibo’s', async () => {
    // The notice as if its before-column printed another title for one observer seat.
    const lines = NOTICE.split('\n');
    const at = lines.findIndex((l, i) => i > 1100 && l.startsWith('参議院事務局庶務部副部長'));
    expect(at).toBeGreaterThan(0);
    const altered = [...lines.slice(0, at), '参議院事務局庶務部次長 ', ...lines.slice(at + 1)].join('\n');
    const t2 = await openTestDirectory('pglite', { dataset: before });
    try {
      const error = await planNotice(t2.directory.prisma, altered, 'altered.txt').catch((e) => e);
      expect(error).toBeInstanceOf(ImportRefused);
      expect(error.code).toBe('BEFORE_LIST_MISMATCH');
      expect(error.message).toContain('「参議院事務局庶務部次長」');
      expect(error.message).toContain('meibo seats 「参議院事務局庶務部副部長」');
      expect(error.line).toBe(at + 1);
    } finally {
      await t2.close();
    }
  });

  it('writes files the amendment-file reader reads back as written', () => {
    for (const p of planned.filter((x) => x.file)) {
      const text = amendmentYaml(p.file!);
      expect(parse(text).changes).toHaveLength(p.file!.changes.length);
      expect(parseAmendmentFile(text).changes.length).toBe(p.proposal!.changes.length);
    }
  });
});
