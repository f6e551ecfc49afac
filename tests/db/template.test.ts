// The embedded database's template (src/db/template.ts): a fresh data directory is a copy of it,
// as migrated and seeded as one made by migrating and seeding; and a template of older inputs (a
// new migration, a changed dataset) is never the one used.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAllDatabases } from '../../src/db/adapter.js';
import { openDirectory, pendingMigrations } from '../../src/db/open.js';
import { TEMPLATE_INPUTS, templateStamp } from '../../src/db/template.js';
import { ROOT } from '../support/processes.js';

const tmp = mkdtempSync(join(tmpdir(), 'meibo-template-'));
afterAll(async () => {
  await closeAllDatabases();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the template', () => {
  it('makes a fresh data directory that is migrated and seeded, without migrating or seeding it', async () => {
    const dataDir = join(tmp, 'fresh');
    const directory = await openDirectory({ kind: 'pglite', dataDir }, { migrate: true, seed: true });
    try {
      expect(directory.fromTemplate).toBe(true);
      expect(directory.applied).toEqual([]);
      expect(directory.seeded).toBeNull();
      expect(await pendingMigrations(directory)).toEqual([]);
      // the seed's own counts (prisma/data/directory.yaml): 4 bodies, 146 seat rows
      expect(await directory.prisma.body.count()).toBe(4);
      expect(await directory.prisma.seat.count()).toBe(146);
    } finally {
      await directory.close();
    }
    // reopened: the same database, nothing copied over it
    const again = await openDirectory({ kind: 'pglite', dataDir }, { migrate: true, seed: true });
    try {
      expect(again.fromTemplate).toBe(false);
      expect(again.seeded).toEqual({ seeded: false, counts: {} });
    } finally {
      await again.close();
    }
  });

  it('is keyed by its inputs: a new migration or a changed dataset is a new template', () => {
    const root = join(tmp, 'checkout');
    for (const input of TEMPLATE_INPUTS) cpSync(join(ROOT, input), join(root, input), { recursive: true });
    const stamp = templateStamp(root);
    expect(stamp).toBe(templateStamp());
    // a new migration folder
    cpSync(join(ROOT, 'prisma/migrations/20261126142352_init'), join(root, 'prisma/migrations/99999999999999_later'), { recursive: true });
    const withMigration = templateStamp(root);
    expect(withMigration).not.toBe(stamp);
    // one more listing in the dataset
    writeFileSync(join(root, 'prisma/data/directory.yaml'), '# changed\n', { flag: 'a' });
    expect(templateStamp(root)).not.toBe(withMigration);
  });
});
