// The embedded database's one owner. A PGlite data directory may be opened by one process at a
// time: a second PGlite on the same files writes a WAL of its own that the first never reads (a
// write that is "Written" and then gone), and can leave the directory in a state where every later
// write spins. So every process that opens one (the server, `npm run amend`, `db:seed`,
// `db:deploy`) first takes `<dataDir>.owner`, a small JSON file made with O_EXCL, naming its pid,
// what it is and, for a server, its URL; another process finds it and refuses, naming the owner.
// A file left behind by a process that no longer runs (kill -9, a crash, a reboot) is taken over,
// and the taker says so; so is one nobody can read (empty, truncated). The file appears whole or
// not at all: written beside it, then linked into place (a link fails when the lock exists, as
// O_EXCL does), so a write that fails (a full disk) leaves no lock that would refuse every later
// start. PostgreSQL needs none of this (it is a server), nor an in-memory PGlite.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import type { DbConfig } from './config.js';

export interface OwnerRecord {
  pid: number;
  /** e.g. `server`, `npm run amend` */
  role: string;
  /** the server's GraphQL URL, once it listens */
  url?: string;
  host: string;
  since: string;
  /** the process's start time (Linux /proc), so a pid reused by another process is not taken for the owner */
  started?: string;
}

export interface Ownership {
  /** the lock file */
  path: string;
  /** set when the lock of a process that no longer runs was taken over: that process's record */
  tookOverFrom: OwnerRecord | null;
  /** records the server's URL in the lock, for whoever is refused next */
  update(fields: Partial<Pick<OwnerRecord, 'url'>>): void;
  /** removes the lock (also done when the process exits) */
  release(): void;
}

/** Another live process owns the data directory. */
export class DataDirInUse extends Error {
  override readonly name = 'DataDirInUse';
  constructor(
    readonly dataDir: string,
    readonly owner: OwnerRecord,
    readonly path: string,
  ) {
    super(describeRefusal(dataDir, owner, path));
  }
}

export const ownerPath = (dataDir: string) => `${dataDir.replace(/\/+$/, '')}.owner`;

/** Start time of a process (field 22 of /proc/<pid>/stat, in clock ticks since boot), or undefined where there is no /proc. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * When a process started, in ms since the epoch, never later than it did (boot time is given in
 * whole seconds and rounded down); undefined where there is no /proc. Clock ticks are USER_HZ,
 * 100 on every Linux architecture Node runs on.
 */
function startedAtMs(pid: number): number | undefined {
  const ticks = Number(startTimeOf(pid));
  if (!Number.isFinite(ticks)) return undefined;
  try {
    const boot = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return boot ? Number(boot[1]) * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process a record names still runs (false when its pid now belongs to another
 * process). Without a start time in the record (one written where there is no /proc, or by
 * hand), a process that started after the lock was last written cannot be its writer: its pid
 * was reused. One that started before is taken for the owner, since nothing tells it apart.
 */
export function isAlive(record: OwnerRecord, writtenAtMs?: number): boolean {
  if (record.host !== hostname()) return true; // cannot tell from here: assume it runs
  if (record.pid === process.pid) return false; // a lock of this pid that this process does not hold: left by an earlier life (a container's pid 1)
  try {
    process.kill(record.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = startTimeOf(record.pid);
  if (record.started && started) return started === record.started;
  const startedAt = startedAtMs(record.pid);
  // a second of slack for the file system's and the clock's rounding
  return !(writtenAtMs !== undefined && startedAt !== undefined && startedAt > writtenAtMs + 1_000);
}

function describeRefusal(dataDir: string, owner: OwnerRecord, path: string): string {
  const what = owner.role === 'server' ? `the meibo server (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ''})` : `\`${owner.role}\` (pid ${owner.pid})`;
  const elsewhere = owner.host !== hostname() ? ` on host ${owner.host}` : '';
  const advice = owner.role === 'server'
    ? (owner.url ? `Send the change through its API (recordAmendment at ${owner.url}, with an editor token), or stop it (Ctrl-C or SIGTERM) and run this again.` : 'Stop it (Ctrl-C or SIGTERM) and run this again.')
    : 'Wait for it to finish and run this again.';
  const stale = owner.host !== hostname() ? ` If that process is gone, remove ${path}.` : '';
  return `The embedded database ${dataDir} is in use by ${what}${elsewhere}, since ${owner.since}; one process at a time may open it, so nothing was done. ${advice}${stale}`;
}

/** A lock nobody can read (empty, truncated, not a record): no owner can be named, so it is stale. */
const UNREADABLE: OwnerRecord = { pid: 0, role: 'unknown', host: hostname(), since: 'unknown' };

function readRecord(path: string): OwnerRecord | null {
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return UNREADABLE;
  }
  const r = record as Partial<OwnerRecord> | null;
  const valid = r !== null && typeof r === 'object' && Number.isSafeInteger(r.pid) && r.pid! > 0 &&
    typeof r.role === 'string' && typeof r.host === 'string' && typeof r.since === 'string';
  return valid ? (r as OwnerRecord) : UNREADABLE;
}

function publishInPlace(path: string, record: OwnerRecord): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(record));
    return true;
  } catch (e) {
    unlinkSync(path); // ours, created just now: a lock whose write failed (a full disk) does not stay
    throw e;
  } finally {
    closeSync(fd);
  }
}

/** When the lock at `path` was last written, in ms since the epoch; undefined when it is gone. */
function writtenAt(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Writes `record` beside `path` and links it into place: true if this process now holds the lock, false if another lock is there. */
function publish(path: string, record: OwnerRecord): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(record), { flag: 'w' });
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // a file system without hard links: created exclusively in place, and removed if its write fails
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return publishInPlace(path, record);
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* never written */
    }
  }
}

const held = new Map<string, Ownership>();

/**
 * Takes the data directory for this process, or throws DataDirInUse naming the process that has
 * it. Null for configurations that need no owner (PostgreSQL, in-memory PGlite).
 */
export function claimDataDir(config: DbConfig, role: string): Ownership | null {
  if (config.kind !== 'pglite' || config.dataDir === null) return null;
  const dataDir = config.dataDir;
  const path = ownerPath(dataDir);
  const existing = held.get(path);
  if (existing) return existing;
  let record: OwnerRecord = { pid: process.pid, role, host: hostname(), since: new Date().toISOString(), started: startTimeOf(process.pid) };
  let tookOverFrom: OwnerRecord | null = null;

  for (let attempt = 0; ; attempt++) {
    if (publish(path, record)) break;
    const owner = readRecord(path);
    if (attempt >= 5) throw new DataDirInUse(dataDir, owner ?? UNREADABLE, path);
    if (!owner) continue; // released meanwhile
    if (owner !== UNREADABLE && isAlive(owner, writtenAt(path))) throw new DataDirInUse(dataDir, owner, path);
    // Stale: move it aside and try again. Another process may be doing the same: only the file
    // judged stale may go, so a fresh lock moved aside by mistake is put back.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readRecord(aside);
    if (moved && JSON.stringify(moved) !== JSON.stringify(owner)) {
      try {
        linkSync(aside, path);
      } catch {
        /* the lock is someone's again either way */
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
    tookOverFrom = owner;
  }

  const release = () => {
    if (held.get(path) !== ownership) return;
    held.delete(path);
    process.off('exit', release);
    // Only our own file: never one another process took over after ours was judged stale.
    if (readRecord(path)?.pid === process.pid) {
      try {
        unlinkSync(path);
      } catch {
        /* gone already */
      }
    }
  };
  const ownership: Ownership = {
    path,
    tookOverFrom,
    update(fields) {
      if (held.get(path) !== ownership) return;
      record = { ...record, ...fields };
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, JSON.stringify(record));
        renameSync(tmp, path);
      } catch (e) {
        // the lock stays as it was (whole, and ours); only the half-written copy goes
        try {
          unlinkSync(tmp);
        } catch {
          /* never written */
        }
        throw e;
      }
    },
    release,
  };
  held.set(path, ownership);
  process.on('exit', release);
  return ownership;
}

/** One line for the log when a stale lock was taken over, else null. */
export function takeoverNotice(ownership: Ownership | null): string | null {
  const from = ownership?.tookOverFrom;
  if (!from) return null;
  return `took over ${ownership!.path}: its owner ${from.role === 'unknown' ? '(unreadable)' : `\`${from.role}\` (pid ${from.pid}, since ${from.since})`} no longer runs (it crashed or was killed); the database recovers from its WAL as after a power cut`;
}
