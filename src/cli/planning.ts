// What `npm run import` and `npm run amend -- --from-list` share: the hints an editor gives on the
// command line, the database opened read-only for the command, the 新旧対照表 printed with the
// changed characters marked, and the amendment file written in the format of prisma/data/amendments.
import { existsSync, writeFileSync } from 'node:fs';
import { diffChars } from '../../web/src/chardiff.js';
import { loadConfig } from '../config.js';
import { createPrismaClient, type DbClient } from '../db/client.js';
import { toWareki, type IsoDay } from '../domain/dates.js';
import type { ProposalHints, ProposalWithDiffs, ProposedChange, Unplaced } from '../domain/proposal.js';
import type { RoleName } from '../domain/seat.js';
import { claimForCommand, CliError, isMissingTable, notMigrated, requireMigrated } from './common.js';

/** The hint flags, each taking one value; what remains of argv is returned as is. */
export const HINT_FLAGS = ['--join', '--split', '--pair', '--apart', '--org'] as const;

export function parseHints(argv: string[], usage: (why: string) => CliError): { hints: ProposalHints; rest: string[] } {
  const hints: Required<ProposalHints> = { join: [], split: [], pair: [], apart: [], organization: {} };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!(HINT_FLAGS as readonly string[]).includes(flag)) {
      rest.push(flag);
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw usage(`${flag} needs a value`);
    if (flag === '--join' || flag === '--split') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw usage(`${flag} takes a line number, not ${JSON.stringify(value)}`);
      hints[flag === '--join' ? 'join' : 'split'].push(n);
    } else if (flag === '--org') {
      const at = value.lastIndexOf('=');
      if (at <= 0 || at === value.length - 1) throw usage(`--org takes 'title=organization', not ${JSON.stringify(value)}`);
      hints.organization[value.slice(0, at).trim()] = value.slice(at + 1).trim();
    } else {
      const [from, to, extra] = value.split('=>');
      if (!from?.trim() || !to?.trim() || extra !== undefined) throw usage(`${flag} takes 'old title=>new title', not ${JSON.stringify(value)}`);
      hints[flag === '--pair' ? 'pair' : 'apart'].push({ from: from.trim(), to: to.trim() });
    }
  }
  return { hints, rest };
}

/** Runs `work` with the configured database, taken for the command's duration, then closes it. */
export async function withDatabase<T>(command: string, work: (client: DbClient) => Promise<T>): Promise<T> {
  const config = loadConfig().db;
  claimForCommand(config, command);
  const client = createPrismaClient(config);
  try {
    await requireMigrated(config, client);
    return await work(client);
  } catch (error) {
    if (isMissingTable(error)) throw notMigrated(config, ['(tables missing)']);
    throw error;
  } finally {
    await client.close();
  }
}

const ROLE_LABEL: Record<RoleName, string> = { CHAIR: '議長', VICE_CHAIR: '副議長', MEMBER: '構成員', OBSERVER: 'オブザーバー' };

/** Terminal columns of a character: 2 for the wide ones (CJK, full-width forms), else 1. */
function columns(ch: string): number {
  const c = ch.codePointAt(0)!;
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x20000 ? 2 : 1;
}

/**
 * A title with its changed characters marked: underlined on a terminal, else a line of ^ under
 * them (so a log or a pasted transcript shows them too).
 */
function marked(segments: Array<{ text: string; changed: boolean }>, indent: string, tty: boolean): string[] {
  if (tty) return [indent + segments.map((s) => (s.changed ? `\x1b[4m${s.text}\x1b[24m` : s.text)).join('')];
  const text = segments.map((s) => s.text).join('');
  if (!segments.some((s) => s.changed)) return [indent + text];
  const marks = segments.map((s) => [...s.text].map((ch) => (s.changed ? '^' : ' ').repeat(columns(ch))).join('')).join('').replace(/\s+$/u, '');
  return [indent + text, indent + marks];
}

/** The 新旧対照表 of a proposal: per body, each seat it changes, after (改正後) over before (改正前). */
export function comparisonTable(proposal: ProposalWithDiffs, tty = false): string[] {
  const out: string[] = [];
  for (const d of proposal.diffs) {
    const renames = proposal.bodies.find((b) => b.code === d.code)?.renames ?? [];
    out.push(`${d.code}: ${d.renamed.length} renamed, ${d.added.length} added, ${d.removed.length} removed, ${d.unchanged} unchanged`);
    const seat = (s: { role: RoleName; position: number }) => `${ROLE_LABEL[s.role]} ${s.position}`;
    for (const r of d.renamed) {
      const kind = renames.find((x) => x.from === r.before.title && x.to === r.after.title)?.kind ?? '';
      const diff = diffChars(r.before.title, r.after.title);
      out.push(`  ~ ${seat(r.after)} (${kind === 'SUCCESSION' ? 'succession' : 'retitle'})`);
      out.push(...marked(diff.after, '      改正後 ', tty), ...marked(diff.before, '      改正前 ', tty));
    }
    for (const s of d.added) out.push(`  + ${seat(s)}`, ...marked([{ text: s.title, changed: true }], '      改正後 ', tty));
    for (const s of d.removed) out.push(`  - ${seat(s)}`, ...marked([{ text: s.title, changed: true }], '      改正前 ', tty));
  }
  return out;
}

export function describeUnplaced(unplaced: Unplaced[]): string[] {
  return unplaced.map((u) => `  ${u.body}${u.line === null ? '' : ` line ${u.line}`}: ${u.reason}${u.hint ? `\n      to plan it: ${u.hint}` : ''}`);
}

/** A YAML scalar: plain when it reads back as the same string, else double-quoted. */
function scalar(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return /^[^\s#:{}[\],&*!|>'"%@`?-][^#:{}[\],]*$/u.test(value) && !/\s$/u.test(value) && !/^(true|false|null|yes|no|on|off|~|[0-9.+-].*)$/iu.test(value)
    ? value
    : JSON.stringify(value);
}

function flow(entries: Array<[string, string | number | undefined]>): string {
  return `{ ${entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${scalar(v!)}`).join(', ')} }`;
}

function changeLine(c: ProposedChange): string {
  switch (c.kind) {
    case 'REPLACE': return `replace: ${flow([['body', c.body], ['role', c.role], ['from', c.from], ['to', c.to], ['organization', c.organization]])}`;
    case 'ADD': return `add: ${flow([['body', c.body], ['role', c.role], ['post', c.post], ['position', c.position], ['organization', c.organization]])}`;
    case 'REMOVE': return `remove: ${flow([['body', c.body], ['role', c.role], ['post', c.post]])}`;
    case 'SET_CHAIR': return `setChair: ${flow([['body', c.body], ['post', c.post], ['organization', c.organization]])}`;
  }
}

export interface AmendmentFileText {
  instrument: string;
  title: string;
  decidedOn: IsoDay;
  effectiveOn: IsoDay;
  note?: string | null;
  /** comment lines at the top (where it came from) */
  comments: string[];
  changes: ProposedChange[];
  /** per body code, a comment line above its changes */
  bodyComments?: Record<string, string>;
}

/** The amendment file, in the format prisma/data/amendments/*.yaml documents. */
export function amendmentYaml(a: AmendmentFileText): string {
  const lines = [
    ...a.comments.map((c) => `# ${c}`),
    `instrument: ${scalar(a.instrument)}`,
    `title: ${scalar(a.title)}`,
    `decidedOn: ${toWareki(a.decidedOn)}`,
    `effectiveOn: ${toWareki(a.effectiveOn)}`,
    ...(a.note ? [`note: ${scalar(a.note)}`] : []),
    'changes:',
  ];
  let body = '';
  for (const c of a.changes) {
    if (c.body !== body && a.bodyComments?.[c.body]) lines.push(`  # ${a.bodyComments[c.body]}`);
    body = c.body;
    lines.push(`  - ${changeLine(c)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `text` to `path`, refusing to overwrite an existing file unless `force`. */
export function writeNew(path: string, text: string, force: boolean): void {
  if (existsSync(path) && !force) throw new CliError(`Refused: ${path} exists; remove it, choose another --out, or add --force to overwrite it.`);
  writeFileSync(path, text);
}
