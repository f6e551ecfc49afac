// Cache keys: what a request's answer is filed under, `"r|<epoch>:<version>|<digest>"`, the digest
// (SHA-256) being that of its document, variables and operation name. The key is also the ETag the
// response-cache plugin sends and looks up from If-None-Match, so it is an RFC 9110 entity-tag:
// quoted, of characters an entity-tag may hold (the version is a UUID and a number, the digest
// base64url). A client's If-None-Match is matched as sent: a list of tags or a weak tag is answered
// in full (200), never wrongly 304.
import { createHash } from 'node:crypto';
import { Kind, type DocumentNode } from 'graphql';
import { dayTemplate, documentDays, intervalsOf, parseForKey, type Boundaries } from './days.js';

export interface CacheableRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  /** whether the request carries credentials (an Authorization header) */
  authorized: boolean;
}

/** A cacheable request: the digest of its document, variables and operation. */
export interface PreparedRequest {
  readonly hash: string;
  /**
   * With interval days (src/cache/days.ts): the digest of the request with its days taken out, and the days.
   */
  readonly template?: { readonly hash: string; readonly days: readonly string[]; readonly axes: string };
}

/**
 * The key of a prepared request under a data version: by the intervals its days fall in, each on
 * its axis, when the days things take effect and were decided under that version are known
 * (`boundaries`), else by the days themselves.
 */
export function buildKey(version: string, prepared: PreparedRequest, boundaries?: Boundaries | null): string {
  const t = prepared.template;
  if (t && boundaries) return `"r|${version}|${t.hash}~${intervalsOf(boundaries, t.days, t.axes)}"`;
  return `"r|${version}|${prepared.hash}"`;
}


/** The version a key was built under, or null for anything that is not a key (a client's If-None-Match may be anything). */
export function versionOfKey(key: string): string | null {
  const match = /^"r\|([^|"]+)\|[^|"]+"$/.exec(key);
  return match ? match[1] : null;
}

/** The key of a request that is never cached (looked up and stored by nobody). */
export const NO_CACHE = 'nocache';

/** Documents and request bodies longer than this are not remembered (their parse and digest are redone). */
export const MAX_REMEMBERED_TEXT = 8 * 1024;

/** Operation kinds by name ('' for an anonymous operation). */
export function operationKinds(document: DocumentNode): Map<string, string> {
  const kinds = new Map<string, string>();
  for (const def of document.definitions) if (def.kind === Kind.OPERATION_DEFINITION) kinds.set(def.name?.value ?? '', def.operation);
  return kinds;
}

/**
 * What a document's text says for its key, from one parse: its operations' kinds and its days; null
 * when it does not parse, or has more tokens than a request may (parseForKey).
 */
function documentFacts(query: string): { kinds: Map<string, string>; days: ReturnType<typeof documentDays> } | null {
  let document: DocumentNode;
  try {
    document = parseForKey(query);
  } catch {
    return null;
  }
  return { kinds: operationKinds(document), days: documentDays(query, document) };
}

/**
 * Values computed once per key, for the few requests dashboards repeat: at most `max` of them,
 * the oldest dropped first, and none for a key longer than `maxKeyLength`, so that clients
 * sending ever new or huge texts can grow it neither in count nor in bytes.
 */
export function boundedMemo<V>(max: number, maxKeyLength = MAX_REMEMBERED_TEXT) {
  const entries = new Map<string, V>();
  return {
    get(key: string, compute: () => V): V {
      if (key.length > maxKeyLength) return compute();
      let value = entries.get(key);
      if (value === undefined) {
        value = compute();
        if (entries.size >= max) entries.delete(entries.keys().next().value!);
        entries.set(key, value);
      }
      return value;
    },
    /** the value kept for `key`, computing nothing */
    peek: (key: string): V | undefined => entries.get(key),
    /** keeps `value` for `key` (if the key is not too long), the oldest going first */
    set(key: string, value: V): void {
      if (key.length > maxKeyLength) return;
      if (!entries.has(key) && entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, value);
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}

/**
 * What the key of a request is made of, apart from the version read when it is looked up: null
 * when the request is never cached (not a query, credentials). Reads carrying credentials are
 * neither served from nor stored in the shared cache: reads are public today, but an
 * authenticated read must never see, or leave behind, another's answer.
 */
export function requestPreparer() {
  // Parsing is cached by document text, like Yoga's own parser cache; one parse gives the
  // operations' kinds and the document's days (a time slider changes only variables).
  const documents = boundedMemo<ReturnType<typeof documentFacts>>(1_000);
  // Dashboards repeat the same few requests: their digests are kept (a hit then costs no hashing).
  const digests = boundedMemo<string>(1_000);
  const digest = (material: string) => digests.get(material, () => createHash('sha256').update(material).digest('base64url'));
  return ({ query, variables, operationName, authorized }: CacheableRequest): PreparedRequest | null => {
    if (authorized) return null;
    const facts = documents.get(query, () => documentFacts(query));
    const ops = facts?.kinds;
    const kind = ops?.get(operationName ?? (ops.size === 1 ? [...ops.keys()][0] : '\0'));
    if (!facts || kind !== 'query') return null;
    const material = JSON.stringify([query, variables ?? null, operationName ?? null]);
    const t = dayTemplate(query, variables, facts.days);
    if (!t) return { hash: digest(material) };
    // the exact digest is needed only until the days things take effect are known: worked out then
    let exact: string | undefined;
    return {
      get hash() {
        return (exact ??= digest(material));
      },
      template: { hash: digest(JSON.stringify(['days', t.query, t.variables, operationName ?? null])), days: t.days, axes: t.axes },
    };
  };
}
