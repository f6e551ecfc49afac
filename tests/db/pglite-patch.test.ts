// patches/@electric-sql+pglite+0.5.16.patch (applied by patch-package at install): PGlite 0.5.16's
// protocol reader decoded each text value of a row from a fresh copy of its bytes (a new
// ArrayBuffer per value: `string(t){return decode(this.bytes(t))}`), which was a fifth of an
// uncached member list's CPU on the embedded database (a profile of 2026-12-05, issue 17). The
// patch decodes a view of the same bytes instead. This file checks that the patch is applied to
// the version it was written for, and that text still reads back exactly.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
const installedVersion = (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('the PGlite protocol-reader patch', () => {
  it('is applied to the pinned version it was written for', () => {
    expect(pkg.dependencies['@electric-sql/pglite'], 'pin PGlite exactly: the patch is for one release').toBe('0.5.16');
    expect(installedVersion).toBe('0.5.16');
    const chunk = readFileSync(new URL('../../node_modules/@electric-sql/pglite/dist/chunk-Y6PULSM7.js', import.meta.url), 'utf8');
    expect(chunk, 'the patch is not applied: run npm ci (postinstall runs patch-package)').toContain('decode(new Uint8Array(v.buffer,v.byteOffset+r(this,w),t))');
    expect(chunk).not.toContain('string(t){return r(this,le).decode(this.bytes(t))}');
    expect(require.resolve('patch-package')).toBeTruthy();
  });

  it('reads every text value back exactly: multi-byte, empty, long, null, and beside other columns', async () => {
    const db = await PGlite.create();
    try {
      const long = 'サイバーセキュリティ'.repeat(5_000);
      const { rows } = await db.query<{ a: string; b: string | null; c: string; n: number; d: string }>(
        `SELECT $1::text AS a, NULL::text AS b, '' AS c, 42 AS n, $2::text AS d FROM generate_series(1, 3)`,
        ['内閣官房内閣審議官（国家サイバー統括室）', long],
      );
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row).toEqual({ a: '内閣官房内閣審議官（国家サイバー統括室）', b: null, c: '', n: 42, d: long });
    } finally {
      await db.close();
    }
  });
});
