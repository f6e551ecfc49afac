// What the tests that start processes of their own share: a free port, PostgreSQL's server tools
// (as the postgres user when run as root), a private redis-server's readiness, and a meibo server
// process started and stopped.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * node's own flags as package.json's `start` script passes them (`exec node <flags> src/start.mjs`),
 * so that a server the suites start runs as `npm start` runs it: its V8 settings change its memory
 * and its compiled wasm.
 */
export const START_NODE_FLAGS: string[] = (() => {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const flags = /\bexec node((?:\s+--\S+)*)\s+src\/start\.mjs\b/.exec(script);
  if (!flags) throw new Error(`package.json's start script is not \`exec node [flags] src/start.mjs\`: ${script}`);
  return flags[1]!.trim().split(/\s+/).filter(Boolean);
})();

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** PostgreSQL refuses to run as root: as root, its tools run as the postgres user (and its files must be theirs). */
export const asRoot = process.getuid?.() === 0;

/** PostgreSQL's server binaries (pg_config --bindir), or '' when pg_config is not there. */
export function pgBinDir(): string {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** Whether `bin` (pgBinDir()) holds a server that a test can initdb a private cluster with. */
export const havePgServer = (bin: string): boolean => bin !== '' && existsSync(join(bin, 'initdb'));

/** Whether redis-server is on PATH, for a test that starts a private one. */
export function haveRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Waits (up to ~5 s) until the redis-server just started on `port` answers a PING. */
export async function untilRedisAnswers(port: number): Promise<void> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {}); // refused until redis-server listens
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      probe.disconnect();
      await sleep(50);
    }
  }
  probe.disconnect();
}

/** Runs a PostgreSQL server tool from `bin` (pg_config --bindir), as the postgres user when root. */
export function pgTool(bin: string, tool: string, args: string[]): string {
  const [cmd, all] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  return execFileSync(cmd, all, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  /** what it printed, stdout and stderr */
  output: string[];
  exited: Promise<number | null>;
}

/**
 * The server as `npm start` runs it (src/start.mjs: the build in dist/server, packages bundled,
 * rebuilt first when stale), on a port of its own, with `env` over this process's environment;
 * resolves once it logs that it is ready (its ready line is an info line).
 */
export function startServer(name: string, env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...START_NODE_FLAGS, 'src/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in ${timeoutMs / 1000} s:\n${output.join('')}`));
    }, timeoutMs);
    let ready = false;
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      // once ready, a log line per request follows: kept, no longer searched
      if (ready) return;
      const match = /meibo ready on http:\/\/localhost:(\d+)\//.exec(output.join(''));
      if (match) {
        ready = true;
        clearTimeout(timer);
        resolve({ name, child, url: `http://127.0.0.1:${match[1]}`, output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output.join('')}`));
    });
  });
}

/** SIGTERM, and SIGKILL if it has not exited after `graceMs`. */
export async function stopServer(server: ServerProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout'));
  if ((await Promise.race([server.exited, timeout])) === 'timeout') {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}
