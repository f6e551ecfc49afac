// Prisma's schema engine (the migrate/diff machinery of `prisma migrate`), run as wasm over our
// driver adapters. The stock CLI needs a native engine binary downloaded from the internet; this
// is the same engine, published on npm, driven the way @prisma/internals 6.19 drove it.
import { debugSwitches } from '../config.js';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

import { createAdapterFactory } from './adapter.js';
import type { DbConfig } from './config.js';

type EngineClass = typeof SchemaEngine;

// Timers the wasm engine started. It arms a ~10 s timer and never clears it, which keeps a
// finished process alive; they are cleared when the last engine is disposed.
const timers = new Set<NodeJS.Timeout>();
let liveEngines = 0;

function trackedSetTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  const t = setTimeout(() => {
    timers.delete(t);
    fn();
  }, ms >>> 0);
  timers.add(t);
  return t;
}

// The glue reports a Rust panic by calling global.PRISMA_WASM_PANIC_REGISTRY.set_message before
// throwing "unreachable"; without it the panic message is lost in a TypeError.
const panics = {
  message: undefined as string | undefined,
  set_message(message: string) {
    this.message = message;
  },
};
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof panics }).PRISMA_WASM_PANIC_REGISTRY ??= panics;

let engineClass: Promise<EngineClass> | undefined;

// wasm-bindgen keeps its instance in module state: instantiating twice in one process breaks it
// ("unwrap_throw failed"), so the module is loaded once and shared.
function loadEngineClass(): Promise<EngineClass> {
  engineClass ??= (async () => {
    const runtime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const module = new WebAssembly.Module(await readFile(wasmPath));
    // The package's main entry imports the .wasm as an ES module, which Node 20 cannot; this is
    // the glue-only path (as in @prisma/internals' wasmSchemaEngineLoader), with the glue's
    // setTimeout import swapped for one we can clear.
    const imports: Record<string, unknown> = { ...runtime };
    for (const name of Object.keys(imports)) {
      if (name.startsWith('__wbg_setTimeout_')) imports[name] = trackedSetTimeout;
    }
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': imports as WebAssembly.ModuleImports });
    runtime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return runtime.SchemaEngine;
  })();
  engineClass.catch(() => (engineClass = undefined));
  return engineClass;
}

export type SchemaFile = { path: string; content: string };

export interface EngineHandle {
  engine: SchemaEngine;
  /** Frees the engine, closes the factory's pools and clears the engine's timers. */
  dispose(): Promise<void>;
}

/**
 * A schema engine connected to the database of `config`. `schemaFiles` is the Prisma schema it
 * knows as "the datamodel" (needed by commands that read the datasource, not by applyMigrations).
 */
export async function openSchemaEngine(config: DbConfig, schemaFiles?: SchemaFile[]): Promise<EngineHandle> {
  const Engine = await loadEngineClass();
  const factory = createAdapterFactory(config);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  // The engine's tracing output; MEIBO_DEBUG_SCHEMA_ENGINE=1 shows it.
  const log = debugSwitches().debugSchemaEngine ? (line: string) => console.error(`[schema-engine] ${line}`) : () => {};
  let engine: SchemaEngine;
  liveEngines += 1;
  try {
    // `datamodels: []` is rejected; no schema is `undefined`.
    engine = await Engine.new({ datamodels: schemaFiles?.length ? schemaFiles.map((f) => [f.path, f.content]) : undefined }, log, bound);
  } catch (e) {
    await release();
    throw translateEngineError(e);
  }
  let disposed = false;
  async function release() {
    liveEngines -= 1;
    await factory.close();
    if (liveEngines === 0) {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    }
  }
  // Every command goes through translateEngineError, so a Rust panic reads as its message.
  const wrapped = new Proxy(engine, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'free') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (e) {
          throw translateEngineError(e);
        }
      };
    },
  });
  return {
    engine: wrapped,
    async dispose() {
      if (disposed) return;
      disposed = true;
      try {
        engine.free();
      } finally {
        await release();
      }
    },
  };
}

/** Runs `fn` with an engine and always disposes it. */
export async function withSchemaEngine<T>(config: DbConfig, schemaFiles: SchemaFile[] | undefined, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const handle = await openSchemaEngine(config, schemaFiles);
  try {
    return await fn(handle.engine);
  } finally {
    await handle.dispose();
  }
}

// Database errors come back from the engine with the driver's message in them (the adapter's
// errors are captured by bindMigrationAwareSqlAdapterFactory); only panics need a hand.
function translateEngineError(e: unknown): unknown {
  const panic = panics.message;
  if (panic !== undefined) {
    panics.message = undefined;
    return new Error(`Schema engine panicked: ${panic}`, { cause: e });
  }
  return e;
}
