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
    for (const line of [
      'chair(asOf: Date!, body: ID!): Seat',
      'members(asOf: Date!, body: ID!, role: Role): [Seat!]!',
      'membershipDiff(body: ID!, from: Date!, to: Date!): MembershipDiff!',
      'searchPosts(text: String!): [Post!]!',
      'bodies: [Body!]!',
      'body(code: ID!): Body',
    ]) {
      expect(sdl).toContain(line);
    }
    expect(sdl).toMatch(/enum Role {\s+"""[^"]*"""\s+CHAIR/);
  });
});
