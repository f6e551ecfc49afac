// Amendment planning, the amendment file and tokens, on plain values (no database).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authenticate, issueToken, parseTokens, TokenConfigError } from '../../src/auth.js';
import { AmendmentFileError, parseAmendmentFile } from '../../src/domain/amendment-file.js';
import { AmendmentRejected, MAX_CHANGES, MAX_DIFF_SEATS, normalizeAmendment, planAmendment, type Amendment, type CurrentInstrument } from '../../src/domain/amendment-plan.js';
import { parseDay } from '../../src/domain/dates.js';
import { normalizeTitle, searchForm, TitleError } from '../../src/domain/title.js';

const d = parseDay;
const council: CurrentInstrument = {
  code: 'designated-posts',
  latest: { decidedOn: d('2025-06-27'), inForceFrom: d('2025-07-01'), sequence: 15 },
  bodies: [
    {
      code: 'secretariat',
      seats: [
        { seatKey: 'c', role: 'CHAIR', position: 1, title: '議長職' },
        { seatKey: 'm1', role: 'MEMBER', position: 1, title: '甲省課長' },
        { seatKey: 'm2', role: 'MEMBER', position: 2, title: '乙省課長' },
        { seatKey: 'm3', role: 'MEMBER', position: 3, title: '丙省課長' },
      ],
    },
  ],
};
const amend = (changes: Amendment['changes'], extra: Partial<Amendment> = {}): Amendment => ({
  instrument: 'designated-posts', title: 'テスト改正', decidedOn: d('2026-01-10'), effectiveOn: d('2026-04-01'), changes, ...extra,
});
const anyPost = () => null;
const plan = (a: Amendment) => planAmendment(a, council, anyPost).bodies[0];
const listing = (seats: Array<{ role: string; position: number; title: string }>) => seats.map((s) => `${s.role} ${s.position} ${s.title}`);

describe('planAmendment', () => {
  it('adds a seat at a position and moves later seats down, keeping their keys', () => {
    const p = plan(amend([{ kind: 'add', body: 'secretariat', role: 'MEMBER', post: '丁省課長', position: 2 }]));
    expect(listing(p.after)).toEqual(['CHAIR 1 議長職', 'MEMBER 1 甲省課長', 'MEMBER 2 丁省課長', 'MEMBER 3 乙省課長', 'MEMBER 4 丙省課長']);
    expect(p.after.find((s) => s.title === '乙省課長')!.seatKey).toBe('m2');
    expect(p.added.map((s) => s.title)).toEqual(['丁省課長']);
    expect(p.unchanged).toBe(4);
  });

  it('removes a seat and moves later seats up', () => {
    const p = plan(amend([{ kind: 'remove', body: 'secretariat', post: '甲省課長' }]));
    expect(listing(p.after)).toEqual(['CHAIR 1 議長職', 'MEMBER 1 乙省課長', 'MEMBER 2 丙省課長']);
    expect(p.removed.map((s) => s.title)).toEqual(['甲省課長']);
  });

  it('reports a replacement as a rename of the same seat', () => {
    const p = plan(amend([{ kind: 'replace', body: 'secretariat', from: '乙省課長', to: '乙省室長' }]));
    expect(p.renamed).toEqual([{ before: expect.objectContaining({ seatKey: 'm2', title: '乙省課長' }), after: expect.objectContaining({ seatKey: 'm2', title: '乙省室長', position: 2 }) }]);
    expect(p.added).toEqual([]);
    expect(p.removed).toEqual([]);
  });

  it('gives a new chair a new seat: the old chair is removed, the new one added', () => {
    const p = plan(amend([{ kind: 'setChair', body: 'secretariat', post: '新議長職' }]));
    expect(p.removed.map((s) => s.title)).toEqual(['議長職']);
    expect(p.added.map((s) => `${s.role} ${s.title}`)).toEqual(['CHAIR 新議長職']);
  });

  it('applies changes in order, each seeing the lists the previous ones left', () => {
    const p = plan(amend([
      { kind: 'remove', body: 'secretariat', post: '甲省課長' },
      { kind: 'add', body: 'secretariat', role: 'MEMBER', post: '甲省課長', position: 2 },
    ]));
    expect(listing(p.after)).toEqual(['CHAIR 1 議長職', 'MEMBER 1 乙省課長', 'MEMBER 2 甲省課長', 'MEMBER 3 丙省課長']);
  });

  it.each([
    ['a second chair', [{ kind: 'add', body: 'secretariat', role: 'CHAIR', post: '別議長職' }], 0, /already has a chair/],
    ['a post seated twice', [{ kind: 'add', body: 'secretariat', role: 'OBSERVER', post: '丙省課長' }], 0, /already seated/],
    ['a seat that is not there', [{ kind: 'remove', body: 'secretariat', post: '甲省課長' }, { kind: 'remove', body: 'secretariat', post: '存在しない職' }], 1, /not seated/],
    ['a position out of range', [{ kind: 'add', body: 'secretariat', role: 'MEMBER', post: '丁省課長', position: 9 }], 0, /position must be between 1 and 4/],
    ['a body the instrument does not fix', [{ kind: 'remove', body: 'advisor-liaison-meeting', post: '甲省課長' }], 0, /not one whose seats/],
    ['a replacement by the same title', [{ kind: 'replace', body: 'secretariat', from: '甲省課長', to: '甲省課長' }], 0, /same as the old one/],
  ] as const)('rejects %s, naming the change', (_name, changes, index, message) => {
    try {
      plan(amend(changes as unknown as Amendment['changes']));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AmendmentRejected);
      expect((error as AmendmentRejected).changeIndex).toBe(index);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(`change #${index + 1}`);
    }
  });

  it.each([
    ['effectiveOn before decidedOn', { decidedOn: d('2026-05-01'), effectiveOn: d('2026-04-01') }, /before decidedOn/],
    ['an effective day not after the latest revision', { decidedOn: d('2025-06-28'), effectiveOn: d('2025-07-01') }, /not after 2025-07-01/],
    ['a decision before the latest one', { decidedOn: d('2025-06-01'), effectiveOn: d('2026-04-01') }, /before 2025-06-27/],
    ['no changes', { changes: [] }, /no changes/],
  ] as const)('rejects %s as a whole', (_name, extra, message) => {
    expect(() => planAmendment(amend([{ kind: 'remove', body: 'secretariat', post: '甲省課長' }], extra as Partial<Amendment>), council, anyPost)).toThrow(message);
  });

  it('refuses a second revision on a decision day already recorded as a CONFLICT naming that revision', () => {
    try {
      planAmendment(amend([{ kind: 'remove', body: 'secretariat', post: '甲省課長' }], { decidedOn: d('2025-06-27'), effectiveOn: d('2026-04-01') }), council, anyPost);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AmendmentRejected);
      expect((error as AmendmentRejected).code).toBe('CONFLICT');
      expect((error as Error).message).toMatch(/already has a revision decided on 2025-06-27 \(revision 15/);
      expect((error as AmendmentRejected).details).toMatchObject({ revision: { sequence: 15, decidedOn: '2025-06-27' } });
    }
  });

  it('refuses a new post whose organization cannot be told', () => {
    const unknown = (title: string) => (title === '謎の職' ? 'no organization' : null);
    expect(() => planAmendment(amend([{ kind: 'add', body: 'secretariat', role: 'MEMBER', post: '謎の職' }]), council, unknown)).toThrow(/no organization/);
  });
});

// Every pair of changes that contradicts: the second is refused naming both (changeIndexes), the
// same in the dry run and the write, since both plan with planAmendment.
const S = 'secretariat';
describe('self-contradicting amendments', () => {
  it.each([
    ['two SET_CHAIR for one body', [{ kind: 'setChair', body: S, post: '新議長職' }, { kind: 'setChair', body: S, post: '別議長職' }], /both name the chair/],
    ['SET_CHAIR and ADD as CHAIR', [{ kind: 'setChair', body: S, post: '新議長職' }, { kind: 'add', body: S, role: 'CHAIR', post: '別議長職' }], /both name the chair/],
    ['ADD then REMOVE of one post', [{ kind: 'add', body: S, role: 'MEMBER', post: '丁省課長' }, { kind: 'remove', body: S, post: '丁省課長' }], /removes 「丁省課長」, which change #1 seated/],
    ['REMOVE then ADD back in the same seat', [{ kind: 'remove', body: S, post: '乙省課長' }, { kind: 'add', body: S, role: 'MEMBER', post: '乙省課長', position: 2 }], /change nothing/],
    ['two REPLACEs of one post', [{ kind: 'replace', body: S, from: '甲省課長', to: '甲省室長' }, { kind: 'replace', body: S, from: '甲省課長', to: '甲省局長' }], /already left secretariat by change #1/],
    ['a REPLACE of what a REPLACE made', [{ kind: 'replace', body: S, from: '甲省課長', to: '甲省室長' }, { kind: 'replace', body: S, from: '甲省室長', to: '甲省局長' }], /renames 「甲省室長」, which change #1 seated/],
    ['ADD of one post twice', [{ kind: 'add', body: S, role: 'MEMBER', post: '丁省課長' }, { kind: 'add', body: S, role: 'OBSERVER', post: '丁省課長' }], /both seat 「丁省課長」/],
    ['a REPLACE whose `to` is also ADDed', [{ kind: 'add', body: S, role: 'MEMBER', post: '丁省課長' }, { kind: 'replace', body: S, from: '甲省課長', to: '丁省課長' }], /both seat 「丁省課長」/],
    ['an ADD of what a REPLACE made', [{ kind: 'replace', body: S, from: '甲省課長', to: '丁省課長' }, { kind: 'add', body: S, role: 'OBSERVER', post: '丁省課長' }], /both seat 「丁省課長」/],
    ['REMOVE twice', [{ kind: 'remove', body: S, post: '甲省課長' }, { kind: 'remove', body: S, role: 'MEMBER', post: '甲省課長' }], /already left/],
    ['a REPLACE of the chair, then SET_CHAIR', [{ kind: 'replace', body: S, from: '議長職', to: '改称議長職' }, { kind: 'setChair', body: S, post: '新議長職' }], /ends the chair seat of 「改称議長職」, which change #1 seated/],
    ['SET_CHAIR, then a REPLACE of the new chair', [{ kind: 'setChair', body: S, post: '新議長職' }, { kind: 'replace', body: S, from: '新議長職', to: '改称議長職' }], /renames 「新議長職」, which change #1 seated/],
    ['SET_CHAIR, then a REMOVE of the chair it ended', [{ kind: 'setChair', body: S, post: '新議長職' }, { kind: 'remove', body: S, post: '議長職' }], /already left/],
    ['the same post twice, spelled two ways', [{ kind: 'add', body: S, role: 'MEMBER', post: 'カ\u3099ス省課長' }, { kind: 'add', body: S, role: 'OBSERVER', post: 'ガス省課長' }], /both seat 「ガス省課長」/],
  ] as const)('refuses %s, naming both changes', (_name, changes, message) => {
    try {
      plan(amend([...changes] as unknown as Amendment['changes']));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AmendmentRejected);
      const rejected = error as AmendmentRejected;
      expect(rejected.code).toBe('BAD_USER_INPUT');
      expect(rejected.changeIndex).toBe(1);
      expect(rejected.details).toEqual({ changeIndexes: [0, 1] });
      expect(rejected.message).toMatch(/^change #2 \(.*\) contradicts change #1 /);
      expect(rejected.message).toMatch(message);
    }
  });

  it('names the earlier change even when others come between', () => {
    const changes: Amendment['changes'] = [
      { kind: 'setChair', body: S, post: '新議長職' },
      { kind: 'add', body: S, role: 'MEMBER', post: '丁省課長' },
      { kind: 'remove', body: S, post: '丙省課長' },
      { kind: 'setChair', body: S, post: '別議長職' },
    ];
    expect(() => plan(amend(changes))).toThrow(/change #4 .* contradicts change #1 /);
  });

  it.each([
    ['a move: REMOVE then ADD at another position', [{ kind: 'remove', body: S, post: '甲省課長' }, { kind: 'add', body: S, role: 'MEMBER', post: '甲省課長', position: 3 }],
      ['CHAIR 1 議長職', 'MEMBER 1 乙省課長', 'MEMBER 2 丙省課長', 'MEMBER 3 甲省課長']],
    ['a member made chair: REMOVE then SET_CHAIR', [{ kind: 'remove', body: S, post: '甲省課長' }, { kind: 'setChair', body: S, post: '甲省課長' }],
      ['CHAIR 1 甲省課長', 'MEMBER 1 乙省課長', 'MEMBER 2 丙省課長']],
    ['a chair made member: SET_CHAIR then ADD of the old chair', [{ kind: 'setChair', body: S, post: '新議長職' }, { kind: 'add', body: S, role: 'MEMBER', post: '議長職', position: 1 }],
      ['CHAIR 1 新議長職', 'MEMBER 1 議長職', 'MEMBER 2 甲省課長', 'MEMBER 3 乙省課長', 'MEMBER 4 丙省課長']],
    ['a title handed on: REPLACE a→b then REPLACE c→a', [{ kind: 'replace', body: S, from: '甲省課長', to: '甲省室長' }, { kind: 'replace', body: S, from: '乙省課長', to: '甲省課長' }],
      ['CHAIR 1 議長職', 'MEMBER 1 甲省室長', 'MEMBER 2 甲省課長', 'MEMBER 3 丙省課長']],
  ] as const)('accepts %s', (_name, changes, after) => {
    expect(listing(plan(amend([...changes] as unknown as Amendment['changes'])).after)).toEqual(after);
  });

  it('creates only the posts the amended lists seat', () => {
    const p = planAmendment(amend([
      { kind: 'replace', body: S, from: '甲省課長', to: '甲省室長' },
      { kind: 'add', body: S, role: 'OBSERVER', post: '丁省課長', organization: '丁省' },
    ]), council, anyPost);
    expect(p.newPosts).toEqual([{ title: '甲省室長', organization: undefined }, { title: '丁省課長', organization: '丁省' }]);
  });
});

describe('any amendment (fast-check)', () => {
  // A small alphabet, so that generated changes often touch the same posts and bodies.
  const title = fc.constantFrom('議長職', '甲省課長', '乙省課長', '丙省課長', '丁省課長', '新議長職', 'カ\u3099ス省課長', 'ガス省課長', ' 甲省課長 ', '', '\u0000', 'x'.repeat(300));
  const body = fc.constantFrom('secretariat', 'secretariat', 'secretariat', 'nowhere');
  const role = fc.constantFrom('CHAIR', 'VICE_CHAIR', 'MEMBER', 'OBSERVER', 'NOT_A_ROLE') as fc.Arbitrary<never>;
  const change: fc.Arbitrary<Amendment['changes'][number]> = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), body, role: fc.option(role, { nil: undefined }), from: title, to: title }),
    fc.record({ kind: fc.constant('add' as const), body, role, post: title, position: fc.option(fc.integer({ min: -1, max: 6 }), { nil: undefined }) }),
    fc.record({ kind: fc.constant('remove' as const), body, role: fc.option(role, { nil: undefined }), post: title }),
    fc.record({ kind: fc.constant('setChair' as const), body, post: title }),
  );

  it('either refuses with AmendmentRejected or plans lists that keep every rule', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 6 }), (changes) => {
        let p;
        try {
          p = planAmendment(amend(changes), council, anyPost);
        } catch (error) {
          expect(error).toBeInstanceOf(AmendmentRejected);
          expect((error as Error).message.length).toBeLessThan(600);
          return;
        }
        const after = p.bodies[0].after;
        expect(new Set(after.map((s) => s.title)).size).toBe(after.length); // a post sits at most once
        expect(after.filter((s) => s.role === 'CHAIR').length).toBeLessThanOrEqual(1);
        for (const r of ['CHAIR', 'VICE_CHAIR', 'MEMBER', 'OBSERVER']) {
          expect(after.filter((s) => s.role === r).map((s) => s.position)).toEqual(after.filter((s) => s.role === r).map((_, i) => i + 1));
        }
        for (const s of after) expect(s.title).toBe(s.title.normalize('NFC').replace(/\s/g, ''));
        for (const n of p.newPosts) expect(after.map((s) => s.title)).toContain(n.title);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe('titles', () => {
  const decomposed = 'カ\u3099ス省課長'; // カ + combining ゛, as some input methods and PDFs give it

  it('stores one form: NFC, without whitespace, full-width kept', () => {
    expect(normalizeTitle(decomposed)).toBe('ガス省課長');
    expect(normalizeTitle(' 内閣官房　内閣審議官（ＡＩ担当）\n')).toBe('内閣官房内閣審議官（ＡＩ担当）');
    expect(searchForm('内閣官房 ＡＩ（担当）')).toBe('内閣官房AI(担当)');
  });

  it.each([
    ['a NUL byte', '内閣\u0000官房', /U\+0000/],
    ['a zero-width space', '内閣\u200B官房', /U\+200B/],
    ['a lone surrogate', '内閣\uD800官房', /U\+D800/],
    ['nothing but spaces', ' \u3000 ', /empty/],
    ['a megabyte', 'あ'.repeat(1 << 20), /1048576 characters long; at most 200/],
  ])('refuses %s, quoting at most a short prefix', (_name, raw, message) => {
    expect(() => normalizeTitle(raw)).toThrow(TitleError);
    expect(() => normalizeTitle(raw)).toThrow(message);
    try {
      normalizeTitle(raw);
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(300);
    }
  });

  // Titles that look like another (issue 18, hole 10): characters that print nothing, or print
  // as blank, would make a second post indistinguishable from the first.
  it.each([
    ['an emoji variation selector', '内閣官房\uFE0F参事官', 'U+FE0F'],
    ['a combining grapheme joiner', '内閣官房\u034F参事官', 'U+034F'],
    ['a Hangul filler', '内閣官房\u3164参事官', 'U+3164'],
    ['a halfwidth Hangul filler', '内閣官房\uFFA0参事官', 'U+FFA0'],
    ['a Hangul choseong filler', '内閣官房\u115F参事官', 'U+115F'],
    ['a Braille blank', '内閣官房\u2800参事官', 'U+2800'],
    ['a zero-width joiner', '内閣官房\u200D参事官', 'U+200D'],
    ['a Mongolian vowel separator', '内閣官房\u180E参事官', 'U+180E'],
    ['an ideographic variation selector', '内閣官房\u{E0100}参事官', 'U+E0100'],
    ['a soft hyphen', '内閣官房\u00AD参事官', 'U+00AD'],
    ['a BOM in front (README: refused, not stripped)', '\uFEFF内閣官房参事官', 'U+FEFF'],
    ['a BOM at the end', '内閣官房参事官\uFEFF', 'U+FEFF'],
    ['nothing but a filler', '\u3164', 'U+3164'],
  ])('refuses a title with %s, naming it', (_name, raw, code) => {
    expect(() => normalizeTitle(raw)).toThrow(TitleError);
    expect(() => normalizeTitle(raw)).toThrow(new RegExp(`contains ${code.replace('+', '\\+')}`));
  });

  it("refuses them in an amendment's own title and note too, with BAD_USER_INPUT", () => {
    for (const extra of [{ title: '\uFEFFテスト改正' }, { title: 'テスト改正\uFE0F' }, { note: '備考\u3164' }]) {
      try {
        normalizeAmendment(amend([{ kind: 'remove', body: S, post: '甲省課長' }], extra));
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AmendmentRejected);
        expect((error as AmendmentRejected).code).toBe('BAD_USER_INPUT');
        expect((error as Error).message).toMatch(/contains U\+(FEFF|FE0F|3164)/);
      }
    }
  });

  it('plans a decomposed title as the precomposed one, in the change and in the lists', () => {
    const p = planAmendment(amend([{ kind: 'replace', body: S, from: '甲省課長', to: decomposed }]), council, anyPost);
    expect(p.bodies[0].renamed[0].after.title).toBe('ガス省課長');
    expect(p.newPosts).toEqual([{ title: 'ガス省課長', organization: undefined }]);
  });

  it('refuses an unstorable title in a change, naming the change and quoting a short prefix', () => {
    try {
      plan(amend([{ kind: 'add', body: S, role: 'MEMBER', post: `甲省${'長'.repeat(100_000)}` }]));
      expect.unreachable();
    } catch (error) {
      expect((error as AmendmentRejected).changeIndex).toBe(0);
      expect((error as Error).message).toMatch(/^change #1 .*100002 characters long/);
      expect((error as Error).message.length).toBeLessThan(400);
    }
  });
});

describe('the size of an amendment', () => {
  const adds = (n: number): Amendment['changes'] => Array.from({ length: n }, (_, i) => ({ kind: 'add', body: S, role: 'MEMBER', post: `新設${i}課長` }));

  it(`refuses more than ${MAX_CHANGES} changes, before looking at any of them`, () => {
    const many = amend([...adds(MAX_CHANGES), { kind: 'add', body: S, role: 'MEMBER', post: '\u0000' }]);
    try {
      normalizeAmendment(many);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AmendmentRejected);
      expect((error as AmendmentRejected).code).toBe('BAD_USER_INPUT');
      expect((error as AmendmentRejected).details).toEqual({ max: MAX_CHANGES, changes: MAX_CHANGES + 1 });
      expect((error as Error).message).toMatch(/201 changes; one amendment may make at most 200/);
    }
  });

  it(`plans ${MAX_CHANGES}, with at most ${MAX_DIFF_SEATS} seats in its diff`, () => {
    const p = planAmendment(normalizeAmendment(amend(adds(MAX_CHANGES))), council, anyPost).bodies[0];
    expect(p.added).toHaveLength(MAX_CHANGES);
    expect(p.added.length + p.removed.length + 2 * p.renamed.length).toBeLessThanOrEqual(MAX_DIFF_SEATS);
  });
});

describe('the amendment file', () => {
  const file = `
instrument: designated-posts
title: テスト改正
decidedOn: 令和8年1月10日
effectiveOn: R8.4.1
changes:
  - replace: { body: secretariat, from: 乙省課長, to: 乙省室長 }
  - add: { body: secretariat, role: member, post: 丁省課長, position: 2 }
`;

  it('reads 和暦 dates and the four kinds of change', () => {
    const a = parseAmendmentFile(file);
    expect(a).toMatchObject({ decidedOn: '2026-01-10', effectiveOn: '2026-04-01' });
    expect(a.changes).toEqual([
      { kind: 'replace', body: 'secretariat', role: undefined, from: '乙省課長', to: '乙省室長', organization: undefined },
      { kind: 'add', body: 'secretariat', role: 'MEMBER', post: '丁省課長', position: 2, organization: undefined },
    ]);
  });

  it('keeps a BOM in a title, for the amendment to refuse, and trims only spaces', () => {
    const a = parseAmendmentFile(file.replace('post: 丁省課長', 'post: "\uFEFF丁省課長"').replace('title: テスト改正', 'title: "テスト改正 "'));
    expect(a.title).toBe('テスト改正');
    expect(() => normalizeAmendment(a)).toThrow(/change #2 .*contains U\+FEFF/);
  });

  it.each([
    ['a bad date', file.replace('R8.4.1', '令和0年1月1日'), /effectiveOn/],
    ['an unknown kind', file.replace('  - replace:', '  - rename:'), /change #1 must be exactly one of/],
    ['add without a role', file.replace('role: member, ', ''), /role is required for add/],
    ['no changes list', 'instrument: x\ntitle: y\ndecidedOn: 2026-01-01\neffectiveOn: 2026-02-01\n', /`changes` must be a list/],
    ['not YAML', 'a: [', /not valid YAML/],
  ])('explains %s', (_name, text, message) => {
    expect(() => parseAmendmentFile(text)).toThrow(AmendmentFileError);
    expect(() => parseAmendmentFile(text)).toThrow(message);
  });
});

describe('tokens', () => {
  it('admits the token whose hash is configured, and no other', () => {
    const alice = issueToken('alice');
    const tokens = parseTokens(alice.entry);
    expect(alice.entry).not.toContain(alice.token);
    expect(authenticate(`Bearer ${alice.token}`, tokens)).toEqual({ name: 'alice', scopes: ['editor'] });
    expect(authenticate(`Bearer ${alice.token}x`, tokens)).toBeUndefined();
    expect(authenticate('Basic abc', tokens)).toBeUndefined();
    expect(authenticate(null, tokens)).toBeNull();
  });

  it('rejects a malformed configuration, without echoing hashes', () => {
    expect(() => parseTokens('alice:editor:nothex')).toThrow(TokenConfigError);
    expect(() => parseTokens(`alice:admin:${'a'.repeat(64)}`)).toThrow(/unknown scope admin/);
    expect(parseTokens(undefined)).toEqual([]);
  });
});
