// The schema as SDL, exactly as committed in schema.graphql.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.js';

export function printSchemaFile(): string {
  return `# Generated from src/schema by \`npm run schema\`. Do not edit by hand.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
