// Machine facts, small statistics and the BENCHMARKS.md writer (each bench owns one section,
// between its markers, so `bench` and `bench:history` can be rerun independently).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export function machineFacts(): string {
  const nproc = (() => {
    try {
      return execFileSync('nproc', { encoding: 'utf8' }).trim();
    } catch {
      return String(cpus().length);
    }
  })();
  const pg = (() => {
    try {
      return execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-Atc', 'SHOW server_version'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const git = (() => {
    try {
      const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'prisma'], { encoding: 'utf8' }).trim();
      return `${head}${dirty ? ' + uncommitted changes in src/ or prisma/ (the working tree was measured)' : ''}`;
    } catch {
      return 'unknown';
    }
  })();
  return [
    `- code: git ${git}`,
    `- date: ${new Date().toISOString()}`,
    `- nproc: ${nproc} (${cpus()[0]?.model ?? 'unknown cpu'}), RAM ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- node: ${process.version}, PostgreSQL server: ${pg} (127.0.0.1, loopback)`,
    `- load average when the section was written: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (other work on the machine skews every row)`,
    `- figures are for this machine only: compare rows of one table (one run), not tables across machines`,
  ].join('\n');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const TITLE = `# Benchmarks

Figures written by the bench scripts in \`bench/\` (each rewrites only its own section). They are
measurements of one machine at one moment: rerun them on yours before drawing conclusions.
`;

/** Replaces (or appends) the section between <!-- name:start --> and <!-- name:end --> in `file`. */
export function writeSection(file: string, name: string, content: string) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : TITLE;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}
