// A logger as the server makes it (src/log.ts createLogger), whose JSON lines land in an array the
// test reads: what an operator would see, line by line.
import { Writable } from 'node:stream';
import { createLogger, type LogLevel } from '../../src/log.js';

export function capturedLog(level: LogLevel = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger(level, new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  }));
  return { log, lines };
}
