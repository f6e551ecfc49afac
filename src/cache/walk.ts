// A walk over an executable document's fields, arguments and variable definitions, for what the
// cache reads of every request it keys (src/cache/days.ts) or stores (src/cache/response-cache.ts).
// graphql-js's `visit` does the same for any node, with paths, ancestors and edits: for a new
// document, the cache's three visits of it cost more than Yoga's validation of it (a profile of
// misses of new documents, 2026-12-05: 5 % of a miss against validation's 4 %). This one only
// recurses through what can hold a field, an argument or a variable: selection sets, directives,
// argument values.
import { Kind, type ArgumentNode, type DirectiveNode, type DocumentNode, type FieldNode, type SelectionSetNode, type ValueNode, type VariableDefinitionNode, type VariableNode } from 'graphql';

export interface Walker {
  /** every field, before its arguments and its selections; return true to stop the walk */
  field?(field: FieldNode): boolean | void;
  /** every argument of a field or a directive, before the variables in its value */
  argument?(argument: ArgumentNode): void;
  /** every variable in an argument's value, with the argument it is in */
  variable?(variable: VariableNode, argument: ArgumentNode): void;
  variableDefinition?(definition: VariableDefinitionNode): void;
}

const STOP = Symbol('stop');

export function walkDocument(document: DocumentNode, w: Walker): void {
  const value = (v: ValueNode, arg: ArgumentNode): void => {
    switch (v.kind) {
      case Kind.VARIABLE: w.variable?.(v, arg); return;
      case Kind.LIST: for (const item of v.values) value(item, arg); return;
      case Kind.OBJECT: for (const f of v.fields) value(f.value, arg); return;
      default: return;
    }
  };
  const args = (list: readonly ArgumentNode[] | undefined) => {
    if (!list) return;
    for (const a of list) {
      w.argument?.(a);
      if (w.variable) value(a.value, a);
    }
  };
  const directives = (list: readonly DirectiveNode[] | undefined) => {
    if (list) for (const d of list) args(d.arguments);
  };
  const selections = (set: SelectionSetNode | undefined) => {
    if (!set) return;
    for (const s of set.selections) {
      directives(s.directives);
      if (s.kind === Kind.FIELD) {
        if (w.field?.(s)) throw STOP;
        args(s.arguments);
      }
      if (s.kind !== Kind.FRAGMENT_SPREAD) selections(s.selectionSet);
    }
  };
  try {
    for (const def of document.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION && def.kind !== Kind.FRAGMENT_DEFINITION) continue;
      for (const v of def.variableDefinitions ?? []) {
        w.variableDefinition?.(v);
        directives(v.directives);
      }
      directives(def.directives);
      selections(def.selectionSet);
    }
  } catch (e) {
    if (e !== STOP) throw e;
  }
}
