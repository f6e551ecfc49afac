/**
 * Reads meibo's dataset (prisma/data/directory.yaml) into plain, checked records ready to seed:
 * dates parsed, organizations derived from titles, each list expanded into seats with their
 * validity and seat keys. No database here, so the rules are testable on the file alone.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { compareDays, parseDay, type IsoDay } from './dates.js';
import { organizationOfTitle, seatKeyOf, type RoleName } from './seat.js';
import { normalizeTitle, TitleError } from './title.js';

export const DATASET_PATH = fileURLToPath(new URL('../../prisma/data/directory.yaml', import.meta.url));


/** The YAML list keys, in the order a body's list is printed. */
export const LIST_KEYS: ReadonlyArray<readonly [string, RoleName]> = [
  ['chair', 'CHAIR'],
  ['viceChairs', 'VICE_CHAIR'],
  ['members', 'MEMBER'],
  ['observers', 'OBSERVER'],
];

export interface OrganizationRecord { name: string; nameEn: string | null; collective: boolean; position: number }
export interface PostRecord { title: string; organization: string; isClass: boolean }
export interface UnitRecord {
  name: string; organization: string; nameEn: string | null; abbreviation: string | null;
  from: IsoDay | null; until: IsoDay | null; successor: string | null;
}
export interface RevisionRecord {
  instrument: string; sequence: number; decidedOn: IsoDay; effectiveOn: IsoDay | null;
  /** effectiveOn where the source states it, else the decision day (see the revision's note) */
  inForceFrom: IsoDay; contentKnown: boolean; note: string | null;
}
export interface InstrumentRecord { code: string; title: string; decidedBy: string; note: string | null; revisions: RevisionRecord[] }
export interface BodyRecord {
  code: string; name: string; nameEn: string | null; parent: string | null; instrument: string | null;
  clause: string | null; coverageNote: string; position: number;
}
export interface SeatRecord {
  body: string; instrument: string; revision: IsoDay; clause: string; role: RoleName; position: number;
  title: string; seatKey: string; validFrom: IsoDay; validTo: IsoDay | null;
  /** the words that found the post's membership, where the list's instrument gives them */
  basis: string | null;
}
export interface ProvisionRecord {
  instrument: string; revision: IsoDay; kind: string; clause: string; body: string | null; post: string;
  text: string; validFrom: IsoDay; validTo: IsoDay | null;
}
export interface Dataset {
  /** the day the data was last checked against its sources, and what they are */
  checked: { on: IsoDay; sources: string };
  organizations: OrganizationRecord[]; posts: PostRecord[]; units: UnitRecord[];
  instruments: InstrumentRecord[]; bodies: BodyRecord[]; seats: SeatRecord[]; provisions: ProvisionRecord[];
}

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

function day(value: unknown, where: string): IsoDay {
  if (typeof value !== 'string') throw new DatasetError(`${where}: expected a date string, got ${JSON.stringify(value)}`);
  return parseDay(value);
}

/** A title in its stored form (src/domain/title.ts), as the write path stores the titles it adds. */
function title(value: unknown, where: string): string {
  try {
    return normalizeTitle(String(value));
  } catch (error) {
    if (error instanceof TitleError) throw new DatasetError(`${where}: ${error.message}`);
    throw error;
  }
}


export interface LoadOptions {
  /** only what had been decided before this day: the directory as it stood then */
  decidedBefore?: IsoDay;
}

export function loadDataset(path = DATASET_PATH, options: LoadOptions = {}): Dataset {
  const raw = parse(readFileSync(path, 'utf8'));
  return buildDataset(options.decidedBefore ? decidedBefore(raw, options.decidedBefore) : raw);
}

/** The raw dataset without the revisions (and their lists and provisions) decided on or after `cutoff`. */
function decidedBefore(raw: Raw, cutoff: IsoDay): Raw {
  const early = (value: unknown) => compareDays(day(value, 'decidedBefore'), cutoff) < 0;
  return {
    ...raw,
    instruments: (raw.instruments as Raw[]).map((i) => ({ ...i, revisions: (i.revisions as Raw[]).filter((r) => early(r.decidedOn)) })),
    bodies: (raw.bodies as Raw[]).map((b) => ({ ...b, lists: ((b.lists ?? []) as Raw[]).filter((l) => early(l.revision)) })),
    provisions: ((raw.provisions ?? []) as Raw[]).map((p) => ({
      ...p,
      ...(p.texts ? { texts: (p.texts as Raw[]).filter((t) => early(t.revision)) } : {}),
      ...(p.posts ? { posts: (p.posts as Raw[]).filter((t) => early(t.revision)) } : {}),
    })),
  };
}

export function buildDataset(raw: Raw): Dataset {
  const organizations: OrganizationRecord[] = (raw.organizations as Raw[]).map((o, i) => ({
    name: o.name, nameEn: o.nameEn ?? null, collective: o.collective === true, position: i + 1,
  }));
  const orgOverride: Record<string, string> = Object.fromEntries(
    Object.entries((raw.organizationOfPost ?? {}) as Record<string, string>).map(([t, o]) => [title(t, 'organizationOfPost'), o]),
  );
  const classPosts = new Set<string>(((raw.classPosts ?? []) as string[]).map((t) => title(t, 'classPosts')));
  const organizationOf = (title: string): string => {
    const explicit = orgOverride[title];
    if (explicit) return explicit;
    const found = organizationOfTitle(title, organizations);
    if (!found) throw new DatasetError(`post 「${title}」: no organization; add it to organizationOfPost`);
    return found.name;
  };

  const instruments: InstrumentRecord[] = (raw.instruments as Raw[]).map((ins) => {
    const revisions = (ins.revisions as Raw[]).map((r, sequence): RevisionRecord => {
      const where = `instrument ${ins.code} revision ${sequence}`;
      const decidedOn = day(r.decidedOn, where);
      const effectiveOn = r.effectiveOn == null ? null : day(r.effectiveOn, where);
      if (effectiveOn && compareDays(effectiveOn, decidedOn) < 0) {
        throw new DatasetError(`${where}: effectiveOn ${effectiveOn} is before decidedOn ${decidedOn}`);
      }
      return {
        instrument: ins.code, sequence, decidedOn, effectiveOn, inForceFrom: effectiveOn ?? decidedOn,
        contentKnown: r.contentKnown === true, note: r.note ?? null,
      };
    });
    for (let i = 1; i < revisions.length; i++) {
      if (compareDays(revisions[i - 1].decidedOn, revisions[i].decidedOn) >= 0) {
        throw new DatasetError(`instrument ${ins.code}: revisions are not in date order at ${revisions[i].decidedOn}`);
      }
    }
    return { code: ins.code, title: ins.title, decidedBy: ins.decidedBy, note: ins.note ?? null, revisions };
  });
  const instrument = (code: string) => {
    const found = instruments.find((i) => i.code === code);
    if (!found) throw new DatasetError(`unknown instrument ${code}`);
    return found;
  };
  /** The revision of `code` decided on `decided`, and the day the next known text replaced it. */
  const revisionSpan = (code: string, decided: IsoDay) => {
    const ins = instrument(code);
    const index = ins.revisions.findIndex((r) => r.decidedOn === decided);
    if (index < 0) throw new DatasetError(`instrument ${code} has no revision decided on ${decided}`);
    const revision = ins.revisions[index];
    if (!revision.contentKnown) throw new DatasetError(`instrument ${code} revision ${decided} is listed but marked contentKnown: false`);
    const next = ins.revisions.slice(index + 1)[0];
    return { revision, validFrom: revision.inForceFrom, validTo: next ? next.inForceFrom : null };
  };

  const bodies: BodyRecord[] = (raw.bodies as Raw[]).map((b, i) => ({
    code: b.code, name: b.name, nameEn: b.nameEn ?? null, parent: b.parent ?? null, instrument: b.instrument ?? null,
    clause: b.clause ?? null, coverageNote: b.coverageNote, position: i + 1,
  }));

  const seats: SeatRecord[] = [];
  for (const b of raw.bodies as Raw[]) {
    const lists = (b.lists ?? []) as Raw[];
    // Seat keys carry over by role and position from one known list to the next (docs/domain.md: a
    // title that changes while the seat stays is a rename of the same seat).
    let previousKeys = new Map<string, string>();
    for (const list of lists) {
      const decided = day(list.revision, `body ${b.code} list`);
      const { validFrom, validTo } = revisionSpan(b.instrument, decided);
      const keys = new Map<string, string>();
      const basis = new Map(Object.entries((list.basis ?? {}) as Record<string, string>).map(([t, text]) => [title(t, `body ${b.code} list ${decided} basis`), String(text).trim()]));
      const listed = new Set(LIST_KEYS.flatMap(([key]) => ((list[key] ?? []) as string[]).map((t) => title(t, `body ${b.code} list ${decided} ${key}`))));
      for (const t of basis.keys()) {
        if (!listed.has(t)) throw new DatasetError(`body ${b.code} list ${decided}: basis given for 「${t}」, which the list does not seat`);
      }
      for (const [key, role] of LIST_KEYS) {
        const titles = ((list[key] ?? []) as string[]).map((t) => title(t, `body ${b.code} list ${decided} ${key}`));
        titles.forEach((title, index) => {
          const position = index + 1;
          const slot = `${role}/${position}`;
          const seatKey = previousKeys.get(slot) ?? seatKeyOf(b.code, role, position, decided);
          keys.set(slot, seatKey);
          seats.push({
            body: b.code, instrument: b.instrument, revision: decided, clause: b.clause, role, position,
            title, seatKey, validFrom, validTo, basis: basis.get(title) ?? null,
          });
        });
      }
      previousKeys = keys;
    }
  }

  const provisions: ProvisionRecord[] = [];
  for (const p of (raw.provisions ?? []) as Raw[]) {
    const versions: Raw[] = p.texts
      ? (p.texts as Raw[]).map((t) => ({ revision: t.revision, text: t.text, post: title(p.post, `provision ${p.kind}`) }))
      : (p.posts as Raw[]).map((v) => ({ ...v, post: title(v.post, `provision ${p.kind}`) }));
    for (const v of versions) {
      const { validFrom, validTo } = revisionSpan(p.instrument, day(v.revision, `provision ${p.kind}`));
      for (const body of (p.bodies as string[] | undefined) ?? [null]) {
        provisions.push({
          instrument: p.instrument, revision: day(v.revision, 'provision'), kind: p.kind, clause: p.clause, body,
          post: v.post, text: String(v.text).trim(), validFrom, validTo,
        });
      }
    }
  }

  const titles = new Set<string>([...seats.map((s) => s.title), ...provisions.map((p) => p.post)]);
  const posts: PostRecord[] = [...titles].map((title) => ({
    title, organization: organizationOf(title), isClass: classPosts.has(title),
  }));
  const orgNames = new Set(organizations.map((o) => o.name));
  for (const p of posts) {
    if (!orgNames.has(p.organization)) throw new DatasetError(`post 「${p.title}」: unknown organization ${p.organization}`);
  }

  const units: UnitRecord[] = ((raw.units ?? []) as Raw[]).map((u) => ({
    name: u.name, organization: u.organization, nameEn: u.nameEn ?? null, abbreviation: u.abbreviation ?? null,
    from: u.from ? day(u.from, `unit ${u.name}`) : null, until: u.until ? day(u.until, `unit ${u.name}`) : null,
    successor: u.successor ?? null,
  }));

  if (!raw.checked?.on || !raw.checked?.sources) throw new DatasetError('the dataset needs `checked: { on, sources }`: when it was last checked against what');
  const checked = { on: day(raw.checked.on, 'checked.on'), sources: String(raw.checked.sources).trim() };
  return { checked, organizations, posts, units, instruments, bodies, seats, provisions };
}
