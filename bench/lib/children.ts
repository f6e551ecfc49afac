// Child processes for the benchmarks: spawned in their own process group, waited on until they
// print a "ready" line, sampled for RSS, and killed (by their own pid/group) when the bench ends,
// whether it ends normally, by an exception or by Ctrl-C.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** stdout + stderr so far (bounded) */
  output(): string;
  /** resolves with the first match of `pattern` on stdout/stderr; rejects on exit or timeout */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<{ match: RegExpMatchArray; ms: number }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited */
  stop(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

const live = new Set<Child>();

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal); // the group this bench created (detached: true)
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

const interruptHooks = new Set<() => Promise<unknown> | unknown>();
/** Runs `fn` (after the children are killed) when the bench is interrupted by a signal. */
export function atInterrupt(fn: () => Promise<unknown> | unknown) {
  hookExit();
  interruptHooks.add(fn);
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const c of live) killGroup(c.pid, 'SIGKILL');
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAll();
      // then the bench's own cleanups (temp dirs, PostgreSQL schemas), bounded
      const timer = setTimeout(() => process.exit(130), 10_000);
      void Promise.allSettled([...interruptHooks].map((f) => f())).then(() => {
        clearTimeout(timer);
        process.exit(130);
      });
    });
  }
}

export function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  hookExit();
  const started = performance.now();
  const proc = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!proc.pid) throw new Error(`could not start ${name}`);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    for (const l of listeners) l();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const child: Child = {
    name,
    proc,
    pid: proc.pid,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (match) {
            cleanup();
            resolve({ match, ms: performance.now() - started });
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms. Output:\n${out.slice(-4000)}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          cleanup();
          reject(new Error(`${name} exited (${code}) before ${pattern}. Output:\n${out.slice(-4000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off('exit', onExit);
        };
        listeners.add(check);
        proc.on('exit', onExit);
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        killGroup(proc.pid!, 'SIGTERM');
        const timer = setTimeout(() => killGroup(proc.pid!, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // npm and tsx exit on the signal before the server below them has finished closing its
      // database: wait for the whole group to be gone.
      const deadline = Date.now() + graceMs;
      while (groupPids(proc.pid!).length > 0) {
        if (Date.now() > deadline) killGroup(proc.pid!, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 50));
      }
      live.delete(child);
    },
  };
  live.add(child);
  return child;
}

/** VmRSS of one process in MiB, or null when it is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples VmRSS every `everyMs` until stopped; returns the peak and the last sample. */
export function sampleRss(pid: number, everyMs = 200) {
  let peak = 0;
  let last = 0;
  const take = () => {
    const v = rssMiB(pid);
    if (v !== null) {
      peak = Math.max(peak, v);
      last = v;
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, last };
    },
  };
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** npm → sh → tsx → node: the largest RSS in the group is the server's. */
export function groupMaxRss(pgid: number): number {
  return Math.max(...groupPids(pgid).map((p) => rssMiB(p) ?? 0));
}

/** User + system CPU time of a process in ms (from /proc/<pid>/stat), or 0 when it is gone. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The shared services' processes on this machine: PostgreSQL (postmaster, backends, workers) and Redis, or those of `names`. */
function servicePids(names: readonly string[] = ['postgres', 'redis-server']): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const comm = readFileSync(`/proc/${name}/comm`, 'utf8').trim();
      if (names.includes(comm)) pids.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/**
 * CPU spent while a load runs: by the server's process group, and by the services it shares (every
 * postgres process on the machine: the server's backends do the work of its statements, the other
 * idle servers' backends and the background workers add little; and Redis, which holds the
 * shared copy of the answers in the redis cache mode). Independent of what else shares the
 * cores (the load generator above all), unlike latency. Resolution: one clock tick (10 ms) per
 * process and run.
 */
export function sampleCpu(pgid: number) {
  const before = cpuOf([...groupPids(pgid), ...servicePids()]);
  return {
    stop: () => ({ serverMs: cpuSince(before, groupPids(pgid)), servicesMs: cpuSince(before, servicePids()) }),
  };
}

/** The CPU ms each of `pids` has used so far. */
function cpuOf(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, cpuMs(pid)]));
}

/**
 * The CPU ms `pids` have used since `before`: a process that started meanwhile counts from 0; one
 * that ended is lost (rare under load: pools keep theirs).
 */
function cpuSince(before: Map<number, number>, pids: number[]): number {
  return pids.reduce((sum, pid) => sum + Math.max(0, cpuMs(pid) - (before.get(pid) ?? 0)), 0);
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Redis's processes on this machine (the shared copy of the answers in the redis cache mode). */
const redisPids = () => servicePids(['redis-server']);

/**
 * As sampleCpu, but PostgreSQL's share is that of the server's own backends (`backends()`: their
 * pids, from pg_stat_activity by the server's application_name) instead of every postgres process
 * on the machine: the other servers' idle backends, autovacuum and the checkpointer no longer fall
 * on whichever server happens to run. A backend that connected during the run counts from 0; one
 * that ended during it is lost (rare under load: pools keep theirs).
 */
export async function sampleServerCpu(pgid: number, backends: () => Promise<number[]>) {
  const atStart = await backends();
  const before = cpuOf([...groupPids(pgid), ...redisPids(), ...atStart]);
  return {
    async stop() {
      const serverMs = cpuSince(before, groupPids(pgid));
      const servicesMs = cpuSince(before, redisPids()) + cpuSince(before, atStart);
      // backends that connected during the run: their whole CPU is this run's
      const joined = (await backends()).filter((pid) => !before.has(pid));
      return { serverMs, servicesMs: servicesMs + cpuSince(before, joined) };
    },
  };
}
