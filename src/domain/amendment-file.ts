/**
 * meibo's amendment file (YAML or JSON): one amendment of one instrument, its changes in order.
 * prisma/data/amendments/2025-06-27-designated-posts.yaml documents the format by example.
 */
import { parse } from 'yaml';
import type { Amendment, AmendmentChange } from './amendment-plan.js';
import { DayParseError, parseDay } from './dates.js';
import { ROLES, type RoleName } from './seat.js';
import { trimSpace } from './title.js';

export class AmendmentFileError extends Error {
  override readonly name = 'AmendmentFileError';
}

const KINDS = ['replace', 'add', 'remove', 'setChair'] as const;

export function parseAmendmentFile(text: string, source = 'amendment file'): Amendment {
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new AmendmentFileError(`${source}: not valid YAML/JSON: ${(error as Error).message}`);
  }
  if (!raw || typeof raw !== 'object') throw new AmendmentFileError(`${source}: expected a mapping with instrument, title, decidedOn, effectiveOn, changes`);
  const str = (value: unknown, field: string): string => {
    // a BOM is kept, for the amendment's rules to refuse (src/domain/title.ts), not trimmed away here
    if (typeof value !== 'string' || !trimSpace(value)) throw new AmendmentFileError(`${source}: \`${field}\` must be a non-empty string`);
    return trimSpace(value);
  };
  const day = (value: unknown, field: string) => {
    try {
      return parseDay(str(value, field));
    } catch (error) {
      if (error instanceof DayParseError) throw new AmendmentFileError(`${source}: \`${field}\`: ${error.message}`);
      throw error;
    }
  };
  if (!Array.isArray(raw.changes)) throw new AmendmentFileError(`${source}: \`changes\` must be a list`);
  const changes = raw.changes.map((entry: unknown, i: number): AmendmentChange => {
    const where = `change #${i + 1}`;
    const keys = entry && typeof entry === 'object' ? Object.keys(entry) : [];
    if (keys.length !== 1 || !KINDS.includes(keys[0] as (typeof KINDS)[number])) {
      throw new AmendmentFileError(`${source}: ${where} must be exactly one of ${KINDS.join(', ')}`);
    }
    const kind = keys[0] as (typeof KINDS)[number];
    const c = (entry as Record<string, Record<string, unknown>>)[kind] ?? {};
    const role = c.role === undefined ? undefined : str(c.role, `${where}.role`).toUpperCase();
    if (role !== undefined && !ROLES.includes(role as RoleName)) throw new AmendmentFileError(`${source}: ${where}.role must be one of ${ROLES.join(', ')}`);
    const organization = c.organization === undefined ? undefined : str(c.organization, `${where}.organization`);
    const body = str(c.body, `${where}.body`);
    switch (kind) {
      case 'replace':
        return { kind, body, role: role as RoleName | undefined, from: str(c.from, `${where}.from`), to: str(c.to, `${where}.to`), organization };
      case 'add': {
        if (!role) throw new AmendmentFileError(`${source}: ${where}.role is required for add`);
        const position = c.position === undefined ? undefined : Number(c.position);
        if (position !== undefined && !Number.isInteger(position)) throw new AmendmentFileError(`${source}: ${where}.position must be an integer`);
        return { kind, body, role: role as RoleName, post: str(c.post, `${where}.post`), position, organization };
      }
      case 'remove':
        return { kind, body, role: role as RoleName | undefined, post: str(c.post, `${where}.post`) };
      case 'setChair':
        return { kind, body, post: str(c.post, `${where}.post`), organization };
    }
  });
  return {
    instrument: str(raw.instrument, 'instrument'),
    title: str(raw.title, 'title'),
    decidedOn: day(raw.decidedOn, 'decidedOn'),
    effectiveOn: day(raw.effectiveOn, 'effectiveOn'),
    note: raw.note === undefined || raw.note === null ? null : str(raw.note, 'note'),
    changes,
  };
}
