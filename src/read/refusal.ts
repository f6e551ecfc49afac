// What the read layer refuses, as plain values: the schema layer (src/schema/refusal.ts) turns
// each into a coded GraphQL error, the exports into an HTTP status. No GraphQL here.

export type RefusalCode = 'OUT_OF_COVERAGE' | 'BAD_USER_INPUT' | 'NOT_FOUND';

export class ReadRefusal extends Error {
  override readonly name = 'ReadRefusal';
  constructor(readonly code: RefusalCode, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}
