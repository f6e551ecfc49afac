// schema.graphql is the committed contract: it must be exactly what the code generates.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { printSchemaFile } from '../src/schema/print.js';

describe('schema.graphql', () => {
  it('is what the code generates (run `npm run schema` and commit when this fails)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../schema.graphql', import.meta.url)), 'utf8');
    expect(committed).toBe(printSchemaFile());
  });

  it('keeps the fixed contract of the directory', () => {
    const sdl = printSchemaFile();
    // Fields may grow optional arguments (knownAt); the contracted ones stay as they are.
    for (const pattern of [
      /chair\(asOf: Date!, body: ID!(, knownAt: Date)?\): Seat\n/,
      /members\(asOf: Date!, body: ID!(, knownAt: Date)?, role: Role\): \[Seat!\]!/,
      /membershipDiff\(body: ID!, from: Date!(, knownAt: Date)?, to: Date!\): MembershipDiff!/,
      /searchPosts\(text: String!\): \[Post!\]!/,
      /bodies: \[Body!\]!/,
      /body\(code: ID!\): Body\n/,
    ]) {
      expect(sdl).toMatch(pattern);
    }
    expect(sdl).toMatch(/enum Role {\s+"""[^"]*"""\s+CHAIR/);
  });
});
