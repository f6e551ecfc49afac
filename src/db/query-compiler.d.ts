// Prisma's query-compiler modules, which the generated client imports on its first query and
// src/db/client.ts imports ahead of it (prefetchQueryCompiler). Prisma ships no types for them.
declare module '@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs' {
  /** the compiler's wasm, base64 */
  export const wasm: string;
}
declare module '@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs';
