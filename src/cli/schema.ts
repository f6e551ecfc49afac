// Writes schema.graphql from the code (`npm run schema`), or with --check fails when the
// committed file is stale (`npm run schema:check`), so the contract never drifts unnoticed.
import { fileURLToPath } from 'node:url';
import { printSchemaFile } from '../schema/print.js';
import { writeOrCheck } from './generated-file.js';

writeOrCheck(fileURLToPath(new URL('../../schema.graphql', import.meta.url)), printSchemaFile(), 'npm run schema');
