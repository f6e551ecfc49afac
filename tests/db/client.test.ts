// The Prisma client's start: the query compiler's modules it prefetches (src/db/client.ts) are the
// ones the generated client imports on its first query, so the prefetch is not a dead import.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QUERY_COMPILER_MODULES } from '../../src/db/client.js';

describe("the query compiler's prefetch", () => {
  const generated = readFileSync(new URL('../../src/generated/prisma/internal/class.ts', import.meta.url), 'utf8');

  it.each(QUERY_COMPILER_MODULES)('names a module the generated client imports: %s', async (specifier) => {
    expect(generated).toContain(`import("${specifier}")`);
    // the prefetch names it literally too (a bundler resolves only literal specifiers)
    expect(readFileSync(new URL('../../src/db/client.ts', import.meta.url), 'utf8')).toContain(`import('${specifier}')`);
    await expect(import(specifier)).resolves.toBeTruthy();
  });
});
