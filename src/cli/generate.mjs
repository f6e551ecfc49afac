// Runs `prisma generate` offline. The Prisma CLI insists on locating its native schema-engine
// binary before doing anything, and that binary is downloaded at install time, which this
// project never relies on; generation itself uses bundled wasm, so any existing file will do.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
// The pothos generator is found on PATH, as npm scripts would put it there.
const bin = join(dirname(dirname(dirname(cli))), '.bin');
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const result = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
