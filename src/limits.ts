// What a request may ask for, checked before any resolver runs: graphql-armor's limits (tokens,
// depth, aliases, directives), a cost limit that knows how long meibo's lists are, page sizes,
// and input the database cannot store; and what of a request the server keeps afterwards (the
// parsed documents, bounded by size). Each refusal has its own stable `extensions.code` and
// HTTP 400, and costs the server a parse and a walk of the document: no statement, no resolver.
//
// Why a cost rule of our own beside armor's: armor's cost limit counts each field once, whatever
// the length of the list it stands in, so `searchPosts { seats { body { members { … } } } }`
// (200 × 8 × 64 seats) costs it no more than one post's. Ours multiplies by each list's length
// bound (LIST_BOUNDS), which is what makes a ladder through list fields expensive, and it works
// out each fragment's cost once: any document within the token limit is judged in time linear in
// its size (issue 18: a fan-out of fragments, each spreading the next B times, cost B⁴ walks).
//
// Why not @pothos/plugin-complexity (looked at in hayes/pothos, packages/plugin-complexity/src):
// - its multipliers are declared on each field (`complexity: { multiplier }` in t.field options),
//   i.e. in src/schema/*; unset, every list counts 10 and every field 1;
// - it walks a fragment again at every spread (complexityFromFragment → complexityFromSelectionSet,
//   no memo, no cycle guard): the same B⁴ walk, and a fragment cycle overflows the stack, since
//   validation rules run beside graphql-js's NoFragmentCyclesRule;
// - it checks in the root fields' resolvers (or a validation rule that must be built per request
//   with the variables), with its own PothosValidationError messages rather than our codes.
// So it would fix nothing of hole 1 and move the bounds into schema files; LIST_BOUNDS stays, and
// tests/limits.test.ts keeps it complete.
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { MAX_CHANGES, MAX_DIFF_SEATS } from './domain/amendment-plan.js';
import { badUserInput } from './errors.js';

/** The limits, in one place; README's error table lists them. */
export const LIMITS = {
  /** lexical tokens in a document (the README's longest query has 80; GraphiQL's introspection 182) */
  tokens: 2_000,
  /** nesting of selections (the README's deepest: 5) */
  depth: 10,
  /** aliased fields in one operation */
  aliases: 15,
  /** directives in one operation */
  directives: 10,
  /** estimated fields resolved (see LIST_BOUNDS, FIELD_WEIGHTS); the README's costliest: 5,682 (its amendment's dry run) */
  cost: 10_000,
  /** largest `first` / `last` of a connection, and the length of `nodes(ids:)` */
  pageSize: 100,
  /** nesting of JSON in `variables` and `extensions` */
  variablesDepth: 16,
} as const;

/**
 * Upper bounds of each list field's length, with room for the data to grow; a list field not
 * named here counts as LIMITS.pageSize (tests/limits.test.ts fails when one is added without a
 * bound). Connections count their `first`/`last` (LIMITS.pageSize when given by a variable).
 */
export const LIST_BOUNDS: Record<string, number> = {
  'Query.bodies': 8,
  'Query.instruments': 8,
  'Query.organizations': 64,
  'Query.members': 64,
  'Query.provisions': 16,
  'Query.searchPosts': LIMITS.pageSize, // refused when more match (src/schema/post.ts)
  'Query.nodes': LIMITS.pageSize,
  'Body.children': 8,
  'Body.members': 64,
  'Body.provisions': 16,
  'Body.revisions': 16,
  'Instrument.bodies': 8,
  'Instrument.revisions': 16,
  'Coverage.ranges': 4,
  'Organization.units': 4,
  'Post.seats': 8,
  'Seat.listings': 32,
  'Revision.diffs': 8,
  'MembershipDiff.added': 64,
  'MembershipDiff.removed': 64,
  'MembershipDiff.renamed': 64,
  'AmendmentResult.diffs': 8,
  'AmendmentDiff.added': 64,
  'AmendmentDiff.removed': 64,
  'AmendmentDiff.renamed': 64,
  'AmendmentDiff.after': 64,
  'DirectoryChange.bodies': 8,
  'AmendmentProposal.changes': 128,
  'AmendmentProposal.diffs': 8,
  'AmendmentProposal.unplaced': 64,
  'ProposalDiff.added': 64,
  'ProposalDiff.removed': 64,
  'ProposalDiff.renamed': 64,
  'ProposalDiff.after': 64,
};

/**
 * Fields that answer a JSON text counting as the seats it can hold rather than as one field: an
 * audit entry's diff lists at most MAX_DIFF_SEATS seats, its amendment at most MAX_CHANGES
 * changes (src/domain/amendment-plan.ts). So a page of 20 entries with their diffs fits the cost
 * limit, one of 100 does not: about 25 diffs a request, each at most 400 seats of a title of at
 * most 200 characters (issue 18: 100 diffs of 3,000-seat amendments were 14 MB).
 */
export const FIELD_WEIGHTS: Record<string, number> = {
  'AuditEntry.diff': MAX_DIFF_SEATS,
  'AuditEntry.amendment': MAX_CHANGES,
};

const CONNECTION_ARGS = ['first', 'last'];

/** The code each armor limit reports under. */
export const LimitCode = {
  tokens: 'MAX_TOKENS_EXCEEDED',
  depth: 'MAX_DEPTH_EXCEEDED',
  aliases: 'MAX_ALIASES_EXCEEDED',
  directives: 'MAX_DIRECTIVES_EXCEEDED',
  cost: 'MAX_COST_EXCEEDED',
} as const;

/**
 * armor reports its refusals as "Syntax Error: …" without a code: give them ours (and HTTP 400)
 * before they are thrown, and a plain message, since the document is well-formed, only too big.
 */
const coded = (code: string) => ({
  onReject: [(_ctx: unknown, error: GraphQLError) => {
    error.message = error.message.replace(/^Syntax Error: /, '');
    Object.assign(error.extensions as Record<string, unknown>, { code, http: { status: 400 } });
  }],
  propagateOnRejection: true,
});

export function useQueryLimits(): Array<Plugin<Record<string, unknown>>> {
  return [
    maxTokensPlugin({ n: LIMITS.tokens, ...coded(LimitCode.tokens) }) as Plugin<Record<string, unknown>>,
    maxDepthPlugin({ n: LIMITS.depth, ...coded(LimitCode.depth) }) as Plugin<Record<string, unknown>>,
    maxAliasesPlugin({ n: LIMITS.aliases, ...coded(LimitCode.aliases) }) as Plugin<Record<string, unknown>>,
    maxDirectivesPlugin({ n: LIMITS.directives, ...coded(LimitCode.directives) }) as Plugin<Record<string, unknown>>,
    {
      onValidate({ addValidationRule }) {
        addValidationRule(costRule);
        addValidationRule(storableStringsRule);
      },
    },
    usePageSizes(),
    useStorableVariables(),
  ];
}

// ---------------------------------------------------------------------------------------------
// Cost

/**
 * What one estimate remembers: each fragment's cost, worked out once, and the selections it
 * visited (a test bounds them by the document's tokens). Shared by the operations of a document.
 */
export interface CostMemo {
  fragments: Map<string, number>;
  visits: number;
}

export const newCostMemo = (): CostMemo => ({ fragments: new Map(), visits: 0 });

/**
 * The estimated number of fields an operation resolves: each field counts the product of the
 * bounds of the lists around it. Linear in the document: a fragment's selections are walked once,
 * and every later spread of it reuses that cost (multiplied by the lists around the spread, as
 * any selection is). A fragment is walked under its own type condition, so its cost does not
 * depend on where it is spread and one entry per fragment name is enough.
 */
export function estimateCost(
  context: Pick<ValidationContext, 'getSchema' | 'getFragment'>,
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  memo: CostMemo = newCostMemo(),
): number {
  const schema = context.getSchema();
  // Fragment cycles are refused by graphql-js's own rule; meanwhile (validation rules run side by
  // side) a spread of a fragment still being walked counts nothing, which keeps this walk finite.
  const walking = new Set<string>();
  const composite = (name: string) => {
    const on = schema.getType(name);
    return on && (isObjectType(on) || isInterfaceType(on) || isUnionType(on)) ? on : null;
  };
  const fragmentCost = (name: string): number => {
    const known = memo.fragments.get(name);
    if (known !== undefined) return known;
    const fragment = context.getFragment(name);
    if (!fragment || walking.has(name)) return 0;
    const on = composite(fragment.typeCondition.name.value);
    walking.add(name);
    const cost = on ? walk(fragment.selectionSet, on) : 0;
    walking.delete(name);
    memo.fragments.set(name, cost);
    return cost;
  };
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType): number => {
    let cost = 0;
    for (const selection of set.selections) {
      memo.visits++;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue; // introspection: answered from memory
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field) continue; // unknown fields are refused by graphql-js's own rules
        const bound = listBound(parent.name, field, selection);
        const named = getNamedType(field.type);
        const inner = selection.selectionSet && (isObjectType(named) || isInterfaceType(named) || isUnionType(named))
          ? walk(selection.selectionSet, named)
          : 0;
        cost += bound * ((FIELD_WEIGHTS[`${parent.name}.${name}`] ?? 1) + inner);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? composite(selection.typeCondition.name.value) : parent;
        if (on) cost += walk(selection.selectionSet, on);
      } else {
        cost += fragmentCost(selection.name.value);
      }
    }
    return cost;
  };
  return walk(selectionSet, type);
}

function listBound(parent: string, field: GraphQLField<unknown, unknown>, node: FieldNode): number {
  const named = getNamedType(field.type);
  if (named.name.endsWith('Edge') || named.name.endsWith('PageInfo')) return 1;
  if (named.name.endsWith('Connection')) {
    // edges below multiply by the page size asked for
    return pageSizeOf(node) ?? 20;
  }
  if (!isListType(getNullableType(field.type))) return 1;
  return LIST_BOUNDS[`${parent}.${field.name}`] ?? LIMITS.pageSize;
}

/** The page a connection field asks for, as the cost sees it: a literal, or the maximum when a variable. */
function pageSizeOf(node: FieldNode): number | null {
  let size: number | null = null;
  for (const arg of node.arguments ?? []) {
    if (!CONNECTION_ARGS.includes(arg.name.value)) continue;
    const n = arg.value.kind === Kind.INT ? Math.max(0, Number(arg.value.value)) : LIMITS.pageSize;
    size = Math.max(size ?? 0, Math.min(n, LIMITS.pageSize));
  }
  return size;
}

function costRule(context: ValidationContext): ASTVisitor {
  const memo = newCostMemo();
  return {
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const cost = estimateCost(context, operation.selectionSet, root, memo);
      if (cost > LIMITS.cost) {
        context.reportError(new GraphQLError(
          `Query cost limit of ${LIMITS.cost} exceeded: this operation could resolve about ${Math.round(cost)} fields. ` +
            'Ask for fewer nested lists, or split it into several requests.',
          { nodes: [operation], extensions: { code: LimitCode.cost, cost: Math.round(cost), limit: LIMITS.cost, http: { status: 400 } } },
        ));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parsed documents kept (Yoga's parse and validation caches)

/**
 * Yoga keeps each document's parse (or parse error) by its text, 1,024 of them by default
 * whatever their size; its validation results hang off those parses (a WeakMap). A document may
 * be padded with a comment to the body limit (about 1 MB) and stay within the token limit, so
 * 2,900 such requests held 3.4 GB (issue 18, hole 6). Kept here: documents up to `maxText`
 * characters (the README's longest is 1.2 kB; padded or generated ones are parsed each time they
 * come), and at most `maxBytes` for all of them, by an estimate of what a parse holds.
 */
export const DOCUMENT_CACHE = {
  maxText: 8 * 1024,
  maxEntries: 1_024,
  maxBytes: 32 * 1024 * 1024,
  /**
   * A parse holds each token (graphql-js links them all from the AST's locations) and its node:
   * 485 bytes a token, measured on Node 20 for a 2 kB document of 993 one-letter fields.
   */
  bytesPerToken: 512,
} as const;

export interface DocumentCaches {
  documentCache: { get(key: string): DocumentNode | undefined; set(key: string, value: DocumentNode): void };
  errorCache: { get(key: string): unknown; set(key: string, value: unknown): void };
  /** what the caches hold now: documents and errors, and the estimated bytes */
  retained(): { entries: number; bytes: number };
}

export function documentCaches(): DocumentCaches {
  const { maxText, maxEntries, maxBytes, bytesPerToken } = DOCUMENT_CACHE;
  const tokens = (document: DocumentNode) => {
    let n = 0;
    for (let token = document.loc?.startToken ?? null; token; token = token.next) n++;
    return n;
  };
  // the text is kept twice over (the key, and the source the locations point to): 2 bytes a character each
  const documents = new LRUCache<string, DocumentNode>({
    max: maxEntries, maxSize: maxBytes, ttl: 3_600_000,
    sizeCalculation: (document, text) => 4 * text.length + bytesPerToken * tokens(document),
  });
  const errors = new LRUCache<string, object>({ max: maxEntries, maxSize: maxBytes / 8, ttl: 3_600_000, sizeCalculation: (_error, text) => 4 * text.length + 1_024 });
  return {
    documentCache: { get: (text) => documents.get(text), set: (text, document) => void (text.length <= maxText && documents.set(text, document)) },
    errorCache: { get: (text) => errors.get(text), set: (text, error) => void (text.length <= maxText && errors.set(text, error as object)) },
    retained: () => ({ entries: documents.size + errors.size, bytes: documents.calculatedSize + errors.calculatedSize }),
  };
}

// ---------------------------------------------------------------------------------------------
// Page sizes, with variables known (onExecute: after validation, before any resolver)

function usePageSizes(): Plugin<Record<string, unknown>> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const problem = pageSizeProblem(args.document, (args.variableValues ?? {}) as Record<string, unknown>);
      if (problem) setResultAndStopExecution({ errors: [problem] });
    },
  };
}

/** `first`/`last` outside 0…pageSize, or `nodes(ids:)` longer than pageSize: a BAD_USER_INPUT error. */
export function pageSizeProblem(document: DocumentNode, variables: Record<string, unknown>): GraphQLError | null {
  const valueOf = (value: ValueNode): unknown =>
    value.kind === Kind.VARIABLE ? variables[value.name.value]
    : value.kind === Kind.INT ? Number(value.value)
    : value.kind === Kind.LIST ? value.values
    : undefined;
  let problem: GraphQLError | null = null;
  const check = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (problem) return;
      if (selection.kind === Kind.FIELD) {
        for (const arg of selection.arguments ?? []) {
          const name = arg.name.value;
          const value = valueOf(arg.value);
          if (CONNECTION_ARGS.includes(name) && typeof value === 'number' && (value < 0 || value > LIMITS.pageSize)) {
            problem = badUserInput(`${selection.name.value}(${name}: ${value}): ${name} must be between 0 and ${LIMITS.pageSize}.`, { argument: name, max: LIMITS.pageSize });
          } else if (selection.name.value === 'nodes' && name === 'ids' && Array.isArray(value) && value.length > LIMITS.pageSize) {
            problem = badUserInput(`nodes(ids:) takes at most ${LIMITS.pageSize} ids, not ${value.length}.`, { argument: 'ids', max: LIMITS.pageSize });
          }
        }
      }
      if ('selectionSet' in selection) check(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) check(definition.selectionSet);
  }
  return problem;
}

// ---------------------------------------------------------------------------------------------
// Strings the database cannot store

/**
 * PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate cannot be encoded as UTF-8 (it
 * would be stored as U+FFFD, silently another string). Refused wherever they come from.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableStringError(where: string): GraphQLError {
  return badUserInput(`${where} holds a character that cannot be stored (NUL or an unpaired surrogate).`);
}

function storableStringsRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      if (UNSTORABLE.test(node.value)) context.reportError(Object.assign(unstorableStringError('A string argument'), { nodes: [node] }));
    },
  };
}

/** Variables and extensions: nesting at most LIMITS.variablesDepth, and no unstorable string. Refused as HTTP 400. */
function useStorableVariables(): Plugin<Record<string, unknown>> {
  return {
    onParams({ params }) {
      for (const [name, value] of [['variables', params.variables], ['extensions', params.extensions]] as const) {
        const problem = inspectJson(value);
        if (problem === 'depth') {
          throw withStatus(badUserInput(`\`${name}\` is nested deeper than ${LIMITS.variablesDepth} levels.`, { max: LIMITS.variablesDepth }), 400);
        }
        if (problem === 'string') throw withStatus(unstorableStringError(`\`${name}\``), 400);
      }
      for (const [name, value] of [['query', params.query], ['operationName', params.operationName]] as const) {
        if (typeof value === 'string' && value.includes('\u0000')) throw withStatus(unstorableStringError(`\`${name}\``), 400);
      }
    },
  };
}

/** Walks JSON without recursion (a 100k-deep array must not overflow the stack here either). */
export function inspectJson(value: unknown): 'depth' | 'string' | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return 'string';
    } else if (v !== null && typeof v === 'object') {
      if (depth >= LIMITS.variablesDepth) return 'depth';
      for (const [k, child] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) return 'string';
        stack.push([child, depth + 1]);
      }
    }
  }
  return null;
}

function withStatus(error: GraphQLError, status: number): GraphQLError {
  Object.assign(error.extensions as Record<string, unknown>, { http: { status } });
  return error;
}

