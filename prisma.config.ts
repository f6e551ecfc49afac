// Prisma CLI configuration. The CLI is only used for `prisma generate` here: migrations are
// applied by src/db/migrate.ts through Prisma's wasm schema engine (no binary download).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
