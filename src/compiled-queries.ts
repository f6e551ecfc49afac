// Compiled queries: a query document asked again is executed by graphql-jit, which compiles a
// document into a function for it, instead of by graphql-js's executor, which walks the document
// and checks every value's type on every request.
//
// Why: the executor was the largest part of an uncached answer that is meibo's to change (its type
// checks, a promise check per field, a path object per field): on PostgreSQL the member list cost
// the server's process 0.55–0.62 ms of CPU with graphql-js and 0.47–0.51 ms compiled, the chair
// 0.31 and 0.26–0.28 ms; with PostgreSQL's share, the member list 0.965 → 0.738 ms
// (BENCHMARKS.md, 2026-12-05 (last), issue 17).
//
// The answer is graphql-js's, byte for byte, every time; graphql-jit only ever answers where it
// answers the same:
// - only queries (a mutation or subscription is graphql-js's), and only a document asked before
//   (Yoga's parser cache hands the same DocumentNode for the same text): compiling costs more than
//   executing once, and a document asked once (a one-off, a new document each request) never pays it;
// - only with variables graphql-js accepts (graphql-jit coerces variables itself, and says why a
//   value is refused in its own words): they are checked first as graphql-js checks them, and a
//   request whose variables are refused is executed by graphql-js, which answers as it always did;
// - only an answer without errors: graphql-jit reports errors its own way (no `locations`, `data`
//   before `errors`, not the original error meibo classifies and masks), so an answer with an
//   error is computed again by graphql-js and that one is sent. An error costs its execution twice,
//   not its statements: the second run reads through the request's loaders, which hold the rows.
//   After such an answer graphql-js answers the document alone until one of its answers has no
//   error, so a dashboard polling a body the data does not cover pays for one execution a poll.
// - only documents of at most COMPILED_QUERIES.maxFields fields, at most maxTotalFields compiled at
//   once, and at most compileMsPerSecond of compiling a second (below): a client sending ever new
//   large documents twice each would otherwise make the server compile and keep megabytes for each.
// tests/compiled-queries.test.ts compares the two over every document the README, the page and the
// trusted documents ask, with their errors, and counts the statements each runs.
//
// graphql-jit is used directly rather than through @envelop/graphql-jit, whose plugin compiles on
// first use and has no way to hand an answer with errors back to graphql-js.
import { Kind, getOperationAST, getVariableValues, type DocumentNode, type ExecutionArgs, type ExecutionResult, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { handleMaybePromise } from '@whatwg-node/promise-helpers';

/**
 * What compiled queries may hold and cost. A compiled query keeps ~4.5–5.5 KiB of generated code
 * and closures per field it selects (fragments counted at each spread), and takes 50–70 µs per
 * field to compile (Node 20, measured on the member list's 12 fields and on a document of 15
 * aliases × 28 fields: 20 ms and 2.2 MiB). Dashboards ask a few documents of tens of fields, so:
 */
export const COMPILED_QUERIES = {
  /** a document selecting more fields is executed by graphql-js (a compiled one would hold ~700 KiB) */
  maxFields: 128,
  /** fields of all compiled documents together, the least recently used going first: ~11 MiB at most */
  maxTotalFields: 2_048,
  /** CPU spent compiling per second at most; beyond it, documents run by graphql-js until the next second */
  compileMsPerSecond: 50,
};

/**
 * graphql-jit, loaded when a document is first asked again rather than at start: with
 * fast-json-stringify and ajv it is 1.4 MB of the build (the app's chunk was 1.78 MB with it, 0.37
 * without) and took 80 ms to load on its own. Until it is loaded, graphql-js answers.
 */
let jit: typeof import('graphql-jit') | undefined;
let loading: Promise<void> | undefined;
export function loadCompiler(): Promise<void> {
  loading ??= import('graphql-jit').then((module) => void (jit = module));
  return loading;
}

/** Fields an operation selects, with fragments counted at each spread; stops counting past `max`. */
export function selectedFields(document: DocumentNode, operation: OperationDefinitionNode, max: number): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let n = 0;
  const count = (set: SelectionSetNode | undefined): void => {
    if (!set) return;
    for (const s of set.selections) {
      if (n > max) return;
      if (s.kind === Kind.FIELD) {
        n++;
        count(s.selectionSet);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        count(s.selectionSet);
      } else {
        // validation has refused cycles and unknown fragments before execution
        count(fragments.get(s.name.value)?.selectionSet);
      }
    }
  };
  count(operation.selectionSet);
  return n;
}

/**
 * How an execution was answered: graphql-js (first use, a refused variable, not a query, too
 * large), compiled, compiled then graphql-js (an error), or graphql-js alone because the document's
 * last answer had an error.
 */
export type CompiledRun = 'graphql-js' | 'compiled' | 'graphql-js after compiled' | 'graphql-js after an error';

/** A compiled operation (null: graphql-jit could not compile it, or too large), its size, and whether its last answer had an error. */
type Entry = { query: CompiledQuery | null; fields: number; erred: boolean };

export interface CompiledQueriesOptions {
  /** told how each execution was answered (tests) */
  onRun?(how: CompiledRun): void;
  /** told of each compilation, with the fields the operation selects (tests) */
  onCompiled?(fields: number): void;
  /** the bounds (COMPILED_QUERIES), for tests */
  limits?: Partial<typeof COMPILED_QUERIES>;
  /** where a failure to load graphql-jit is said (once; graphql-js answers everything then) */
  log?: { error(message: string): void };
  /** instead of graphql-jit (tests: one that fails) */
  compiler?: Pick<typeof import('graphql-jit'), 'compileQuery' | 'isCompiledQuery'>;
}

export function useCompiledQueries(options: CompiledQueriesOptions = {}): Plugin<Record<string, unknown>> {
  const told = options.onRun ?? (() => {});
  const limits = { ...COMPILED_QUERIES, ...options.limits };
  // Documents asked once, by DocumentNode: it lives as long as Yoga's parser cache keeps it, and a
  // document Yoga parses anew (too large to be cached, src/limits.ts) is a new object each time.
  const asked = new WeakSet<DocumentNode>();
  // Compiled operations (null: graphql-jit could not compile it, or too large), by document and
  // operation name, sized by the fields they select.
  const compiled = new LRUCache<DocumentNode, Map<string, Entry>>({
    maxSize: limits.maxTotalFields,
    sizeCalculation: (operations) => Math.max(1, [...operations.values()].reduce((n, o) => n + o.fields, 0)),
  });
  let second = 0;
  let spent = 0;
  let failed = false;
  // a fault of graphql-jit itself: said once, and the request is graphql-js's
  let faulted = false;
  const fault = (what: string, error: unknown) => {
    if (!faulted) (options.log ?? console).error(`[meibo compiled queries] graphql-jit failed ${what} (${(error as Error)?.message ?? error}); graphql-js answers it (further failures are not logged)`);
    faulted = true;
  };

  /** The compiled operation for these arguments (its query may be null), or null: graphql-js executes them. */
  function compiledFor(args: ExecutionArgs): Entry | null {
    if (!asked.has(args.document)) {
      asked.add(args.document);
      return null;
    }
    const operation = getOperationAST(args.document, args.operationName);
    if (operation?.operation !== 'query') return null;
    const entry = compiledOperation(args, operation);
    if (!entry?.query) return null;
    // its last answer had an error: graphql-js answers it, once (see onExecute)
    if (entry.erred) return entry;
    // variables as graphql-js reads them: refused ones are graphql-js's to answer (checked only
    // for a query that runs compiled: a document left to graphql-js pays for no second check)
    const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>, { maxErrors: 1 });
    return coerced.errors ? null : entry;
  }

  /** The operation compiled, compiling it if it is within the bounds; null (or a null query): graphql-js's. */
  function compiledOperation(args: ExecutionArgs, operation: OperationDefinitionNode): Entry | null {
    const name = args.operationName ?? '';
    const operations = compiled.get(args.document);
    const known = operations?.get(name);
    if (known) return known;
    // a new Map each time, so that the LRU sizes the document again
    const remember = (query: CompiledQuery | null, fields: number): Entry => {
      const entry: Entry = { query, fields, erred: false };
      compiled.set(args.document, new Map([...(operations ?? []), [name, entry]]));
      return entry;
    };
    const fields = selectedFields(args.document, operation, limits.maxFields);
    if (fields > limits.maxFields) return remember(null, 0);
    const compiler = options.compiler ?? jit;
    if (!compiler) {
      loadCompiler().catch((error: Error) => {
        if (!failed) (options.log ?? console).error(`[meibo compiled queries] graphql-jit could not be loaded (${error.message}); graphql-js answers every query`);
        failed = true;
      });
      return null;
    }
    // the compiling budget of this second
    const now = Math.floor(performance.now() / 1000);
    if (now !== second) [second, spent] = [now, 0];
    if (spent >= limits.compileMsPerSecond) return null;
    const t0 = performance.now();
    let query: CompiledQuery | null = null;
    try {
      const result = compiler.compileQuery(args.schema, args.document, args.operationName ?? undefined);
      if (compiler.isCompiledQuery(result)) query = result;
    } catch (error) {
      fault('compiling a document', error);
    }
    spent += performance.now() - t0;
    options.onCompiled?.(fields);
    return remember(query, query ? fields : 0);
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const entry = compiledFor(args);
      if (!entry) return told('graphql-js');
      const query = entry.query!;
      if (entry.erred) {
        // Its last answer had an error, which graphql-js computes again (below): a dashboard that
        // polls a body the data does not cover (OUT_OF_COVERAGE, never cached) would pay for both
        // runs on every poll. graphql-js answers it alone until an answer has no error.
        told('graphql-js after an error');
        setExecuteFn((a: ExecutionArgs) =>
          handleMaybePromise(
            () => executeFn(a) as ExecutionResult | Promise<ExecutionResult>,
            (result) => {
              if (!result.errors?.length) entry.erred = false;
              return result;
            },
          ),
        );
        return;
      }
      setExecuteFn((a: ExecutionArgs) =>
        handleMaybePromise(
          () => query.query(a.rootValue, a.contextValue, a.variableValues as Record<string, unknown> | undefined) as ExecutionResult | Promise<ExecutionResult>,
          (result) => {
            // an answer with an error is graphql-js's own (see above)
            if (result.errors?.length) {
              entry.erred = true;
              told('graphql-js after compiled');
              return executeFn(a);
            }
            told('compiled');
            return { data: result.data };
          },
          // graphql-jit's own fault (its resolvers' errors are in its answer): graphql-js answers
          (error: unknown) => {
            fault('running a compiled document', error);
            told('graphql-js after compiled');
            return executeFn(a);
          },
        ),
      );
    },
  };
}
