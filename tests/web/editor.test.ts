// The editor view's rules on plain values: the token in the tab's session only, the lists sent
// with their hints, the buttons an unplaced line offers, and when a proposal may be recorded.
import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { pageDocuments } from '../../src/cli/trusted-documents.js';
import { estimateCost, LIMITS } from '../../src/limits.js';
import { schema } from '../../src/schema/index.js';
import type { Proposal } from '../../web/src/api.js';
import {
  amendmentInput, forgetToken, hintChoices, keepToken, lineText, listsToPropose, NO_HINTS, proposalKey, readToken, recordBlock, TOKEN_KEY, withHint,
  type KeyValue,
} from '../../web/src/editor.js';

function memoryStore(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('the token', () => {
  it('is kept as pasted, less spaces, a newline or a "Bearer " prefix, and forgotten on request', () => {
    const store = memoryStore();
    expect(readToken(store)).toBeNull();
    expect(keepToken(store, '  Bearer meibo_abc\n')).toBe('meibo_abc');
    expect(store.map.get(TOKEN_KEY)).toBe('meibo_abc');
    expect(readToken(store)).toBe('meibo_abc');
    forgetToken(store);
    expect(readToken(store)).toBeNull();
    expect(store.map.size).toBe(0);
  });

  it('blank forgets it; a storage that refuses leaves the token in memory only', () => {
    const store = memoryStore();
    keepToken(store, 'meibo_abc');
    expect(keepToken(store, '   ')).toBeNull();
    expect(store.map.size).toBe(0);
    const refusing: KeyValue = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceeded'); }, removeItem: () => { throw new Error('SecurityError'); } };
    expect(keepToken(refusing, 'meibo_abc')).toBe('meibo_abc');
    expect(readToken(refusing)).toBeNull();
    expect(() => forgetToken(refusing)).not.toThrow();
    expect(readToken(null)).toBeNull();
  });
});

describe('the lists sent', () => {
  it('are the non-blank ones in the instrument’s order, with only the hints given', () => {
    const hints = { secretariat: withHint(NO_HINTS, { kind: 'split', line: 49, label: '' }) };
    expect(listsToPropose(['deputy-director-meeting', 'secretariat'], { secretariat: '議長 x', 'deputy-director-meeting': ' \n ' }, hints)).toEqual([
      { body: 'secretariat', text: '議長 x', split: [49] },
    ]);
    expect(listsToPropose(['secretariat'], {}, {})).toEqual([]);
  });

  it('name a proposal: a change of day, list or hint makes it another', () => {
    const lists = listsToPropose(['secretariat'], { secretariat: '議長 x' }, {});
    expect(proposalKey('designated-posts', '令和10年4月1日 ', lists)).toBe(proposalKey('designated-posts', '令和10年4月1日', lists));
    expect(proposalKey('designated-posts', '令和10年4月2日', lists)).not.toBe(proposalKey('designated-posts', '令和10年4月1日', lists));
    const hinted = listsToPropose(['secretariat'], { secretariat: '議長 x' }, { secretariat: withHint(NO_HINTS, { kind: 'join', line: 2, label: '' }) });
    expect(proposalKey('designated-posts', '2028-04-01', hinted)).not.toBe(proposalKey('designated-posts', '2028-04-01', lists));
  });

  it('a line is numbered as the planner numbers it, whatever the line ends', () => {
    expect(lineText('a\r\nb\rc\nd', 3)).toBe('c');
    expect(lineText('a\nb', 3)).toBeNull();
    expect(lineText('a', 0)).toBeNull();
  });
});

describe('settling an unplaced line', () => {
  it('offers join or split for an ambiguous wrap, pair or apart for a possible rename, an organization for a title without one', () => {
    expect(hintChoices('--join 49 or --split 49').map((c) => c.kind === 'join' || c.kind === 'split' ? `${c.kind} ${c.line}` : c.kind)).toEqual(['join 49', 'split 49']);
    expect(hintChoices("--pair '環境省大臣官房総務課環境情報室長=>環境省大臣官房総務課デジタル情報室長' or --apart '環境省大臣官房総務課環境情報室長=>環境省大臣官房総務課デジタル情報室長'")).toMatchObject([
      { kind: 'pair', from: '環境省大臣官房総務課環境情報室長', to: '環境省大臣官房総務課デジタル情報室長' },
      { kind: 'apart', from: '環境省大臣官房総務課環境情報室長', to: '環境省大臣官房総務課デジタル情報室長' },
    ]);
    expect(hintChoices("--org '預金保険機構システム統括室長=<organization>'")).toMatchObject([{ kind: 'organization', post: '預金保険機構システム統括室長' }]);
    // what only an edit of the list settles offers no button
    expect(hintChoices('edit the list')).toEqual([]);
    expect(hintChoices('record the move in two amendments')).toEqual([]);
    expect(hintChoices(null)).toEqual([]);
    expect(hintChoices('--join 4 or --split 5')).toEqual([]);
  });

  it('a line is joined or split, a pair paired or apart, never both; an organization is replaced', () => {
    const [join, split] = hintChoices('--join 7 or --split 7');
    let h = withHint(withHint(NO_HINTS, { kind: 'join', line: 9, label: '' }), join!);
    expect(h).toMatchObject({ join: [7, 9], split: [] });
    h = withHint(h, split!);
    expect(h).toMatchObject({ join: [9], split: [7] });
    const [pair, apart] = hintChoices("--pair 'a=>b' or --apart 'a=>b'");
    h = withHint(withHint(h, pair!), apart!);
    expect(h).toMatchObject({ pairs: [], apart: [{ from: 'a', to: 'b' }] });
    const [org] = hintChoices("--org 'x室長=<organization>'");
    h = withHint(withHint(h, org!, '金融庁'), org!, ' 財務省 ');
    expect(h.organizations).toEqual([{ post: 'x室長', organization: '財務省' }]);
    expect(withHint(h, org!, '').organizations).toEqual([]);
  });
});

describe('recording a proposal', () => {
  const change = { kind: 'REPLACE' as const, body: 'secretariat', role: 'MEMBER' as const, post: null, from: 'a室長', to: 'b室長', position: null, organization: null };
  const proposal = (p: Partial<Proposal>): Proposal => ({ changes: [change], diffs: [], unplaced: [], ...p });

  it('is refused while anything is unplaced or nothing changes', () => {
    expect(recordBlock(null)).toContain('Nothing proposed');
    expect(recordBlock(proposal({ unplaced: [{ body: 'secretariat', line: 4, title: 'x', reason: 'r', hint: null }] }))).toContain('1 line(s) are not placed');
    expect(recordBlock(proposal({ changes: [] }))).toContain('nothing to record');
    expect(recordBlock(proposal({}))).toBeNull();
  });

  it('sends the proposed changes as they are, for the instrument and day they were proposed for', () => {
    const p = proposal({});
    expect(amendmentInput(p, { instrument: 'designated-posts', effectiveOn: '令和10年4月1日' }, { title: ' 一部改正について ', decidedOn: '令和10年3月27日', note: ' ' })).toEqual({
      instrument: 'designated-posts', title: '一部改正について', decidedOn: '令和10年3月27日', effectiveOn: '令和10年4月1日', changes: [change],
    });
  });
});

describe('the documents the page sends', () => {
  it('are each within the query cost limit, the editor’s too', () => {
    const costs = pageDocuments().map((text) => {
      const operation = parse(text).definitions[0] as OperationDefinitionNode;
      const root = operation.operation === 'mutation' ? schema.getMutationType()! : operation.operation === 'subscription' ? schema.getSubscriptionType()! : schema.getQueryType()!;
      return { name: operation.name?.value, cost: estimateCost({ getSchema: () => schema, getFragment: () => undefined } as never, operation.selectionSet, root) };
    });
    expect(costs.map((c) => c.name)).toEqual(expect.arrayContaining(['Instruments', 'ProposeAmendment', 'RecordAmendment']));
    expect(costs.filter((c) => c.cost > LIMITS.cost)).toEqual([]);
  });
});
