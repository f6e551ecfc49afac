// Live updates within one process: `subscription { directoryChanged }` over Server-Sent Events, as
// `curl -N -H 'Accept: text/event-stream'` gets it, told of every committed amendment and revert,
// never of a preview, narrowed by `body`; through the response cache and the request limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { issueToken, parseTokens } from '../src/auth.js';
import { createResponseCache, type ResponseCache } from '../src/cache.js';
import { createLive, type Live } from '../src/live.js';
import { ENGINES, openTestDirectory, type TestDirectory } from './support/harness.js';
import { openEvents, until, type EventStream } from './support/sse.js';

const editor = issueToken('live-test');
const AS_EDITOR = { authorization: `Bearer ${editor.token}`, 'content-type': 'application/json', accept: 'application/json' };

const SUBSCRIBE = `subscription($body: ID) { directoryChanged(body: $body) {
  action instrument { code } bodies { code } sequence decidedOn effectiveOn at
  revision { sequence decidedOn diffs { body { code } added { position post { title } } removed { post { title } } renamed { kind } unchanged } } } }`;

const ADD_TO_SECRETARIAT = {
  instrument: 'designated-posts',
  title: '「サイバーセキュリティ対策推進会議議長の指定する職について」の一部改正について',
  decidedOn: '令和8年11月26日',
  effectiveOn: '令和9年4月1日',
  changes: [{ kind: 'ADD', body: 'secretariat', role: 'MEMBER', position: 3, post: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' }],
};
const RENAME_ADVISOR_SANYO = {
  instrument: 'advisor-liaison-meeting',
  title: '「最高情報セキュリティアドバイザー等連絡会議について」の一部改正について',
  decidedOn: '2026-12-01',
  effectiveOn: '2027-01-01',
  changes: [{ kind: 'REPLACE', body: 'advisor-liaison-meeting', from: 'サイバーセキュリティ参与', to: 'サイバーセキュリティ特別参与', organization: '内閣官房' }],
};

describe.each(ENGINES)('live updates on %s (one process)', (engine) => {
  let t: TestDirectory;
  let cache: ResponseCache;
  let live: Live;
  let yoga: ReturnType<typeof createApp>;
  const open: EventStream[] = [];

  beforeAll(async () => {
    t = await openTestDirectory(engine);
    // As `npm start` puts it together: the response cache in front, refreshed after each write.
    cache = createResponseCache({ mode: 'memory', db: t.directory.prisma, exposeCacheStatus: true });
    await cache.ready();
    live = createLive();
    yoga = createApp(t.directory.prisma, { tokens: parseTokens(editor.entry), plugins: [cache.plugin], afterWrite: () => cache.refresh(), live });
  });
  afterAll(async () => {
    for (const s of open) await s.close();
    await live?.close();
    await cache?.close();
    await t?.close();
  });

  /** Subscribes as a dashboard would (GET, as curl -N does), and waits until the subscription listens. */
  async function subscribe(variables: Record<string, unknown> = {}): Promise<EventStream> {
    const before = live.listening();
    const url = `http://yoga/graphql?query=${encodeURIComponent(SUBSCRIBE)}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
    const stream = await openEvents((init) => yoga.fetch(url, init));
    open.push(stream);
    await until(() => live.listening() > before);
    return stream;
  }

  async function mutate(query: string, variables: Record<string, unknown>) {
    const response = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: AS_EDITOR, body: JSON.stringify({ query, variables }) });
    const result = (await response.json()) as { data?: any; errors?: unknown[] };
    expect(result.errors).toBeUndefined();
    return result.data;
  }
  const record = (input: unknown, dryRun = false) =>
    mutate(`mutation($input: AmendmentInput!, $dryRun: Boolean) { recordAmendment(input: $input, dryRun: $dryRun) { sequence } }`, { input, dryRun });
  const revert = (instrument: string, sequence: number) =>
    mutate(`mutation($i: ID!, $s: Int!) { revertLatestAmendment(instrument: $i, sequence: $s) { sequence } }`, { i: instrument, s: sequence });

  it('tells a subscriber of a recorded amendment and of its revert, once each is committed — never of a preview', async () => {
    const stream = await subscribe();
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);

    await record(ADD_TO_SECRETARIAT, true); // a preview writes nothing, and tells no one
    const { recordAmendment } = await record(ADD_TO_SECRETARIAT);
    const recorded = await stream.next();
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data.directoryChanged).toMatchObject({
      action: 'RECORDED',
      instrument: { code: 'designated-posts' },
      sequence: recordAmendment.sequence,
      decidedOn: '2026-11-26',
      effectiveOn: '2027-04-01',
    });
    expect(recorded.data.directoryChanged.bodies.map((b: { code: string }) => b.code).sort()).toEqual(['deputy-director-meeting', 'secretariat']);
    // the event names the revision, and what it changed in each body
    expect(recorded.data.directoryChanged.revision).toEqual({
      sequence: recordAmendment.sequence,
      decidedOn: '2026-11-26',
      diffs: [
        { body: { code: 'deputy-director-meeting' }, added: [], removed: [], renamed: [], unchanged: 32 },
        { body: { code: 'secretariat' }, added: [{ position: 3, post: { title: 'デジタル庁統括官付参事官（サイバーセキュリティ担当）' } }], removed: [], renamed: [], unchanged: 39 },
      ],
    });

    // When told, the new list is what is answered (the cache already has the new version).
    const members = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ members(body: "secretariat", asOf: "2027-04-01", role: MEMBER) { position post { title } } }' }),
    });
    const list = ((await members.json()) as any).data.members;
    expect(list[2].post.title).toBe('デジタル庁統括官付参事官（サイバーセキュリティ担当）');

    await revert('designated-posts', recordAmendment.sequence);
    const reverted = await stream.next();
    expect(reverted.data.directoryChanged).toMatchObject({ action: 'REVERTED', instrument: { code: 'designated-posts' }, sequence: recordAmendment.sequence, effectiveOn: '2027-04-01' });
    // the revision is gone
    expect(reverted.data.directoryChanged.revision).toBeNull();
  });

  it('`body` narrows the changes to those of that body', async () => {
    const advisor = await subscribe({ body: 'advisor-liaison-meeting' });
    const secretariat = await subscribe({ body: 'secretariat' });
    const designated = (await record(ADD_TO_SECRETARIAT)).recordAmendment.sequence; // not the advisor meeting's instrument
    const sanyo = (await record(RENAME_ADVISOR_SANYO)).recordAmendment.sequence;
    // The advisor meeting's subscriber is told of its own amendment first: the other was never sent.
    const first = await advisor.next();
    expect(first.data.directoryChanged).toMatchObject({ action: 'RECORDED', instrument: { code: 'advisor-liaison-meeting' }, bodies: [{ code: 'advisor-liaison-meeting' }] });
    expect(first.data.directoryChanged.revision.diffs).toEqual([
      { body: { code: 'advisor-liaison-meeting' }, added: [], removed: [], renamed: [{ kind: 'REPLACEMENT' }], unchanged: 1 },
    ]);
    const forSecretariat = await secretariat.next();
    expect(forSecretariat.data.directoryChanged.instrument.code).toBe('designated-posts');
    await revert('advisor-liaison-meeting', sanyo);
    await revert('designated-posts', designated);
    expect((await advisor.next()).data.directoryChanged).toMatchObject({ action: 'REVERTED', instrument: { code: 'advisor-liaison-meeting' } });
    expect((await secretariat.next()).data.directoryChanged).toMatchObject({ action: 'REVERTED', instrument: { code: 'designated-posts' } });
  });

  it('refuses an unknown body with NOT_FOUND, naming the known codes', async () => {
    const url = `http://yoga/graphql?query=${encodeURIComponent(SUBSCRIBE)}&variables=${encodeURIComponent(JSON.stringify({ body: 'nope' }))}`;
    const stream = await openEvents((init) => yoga.fetch(url, init));
    open.push(stream);
    const first = await stream.next();
    expect(first.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(first.errors?.[0]?.message).toContain('secretariat');
  });

  it('a subscription sent as a POST with a JSON body works too (as GraphiQL and graphql-sse clients send it)', async () => {
    const before = live.listening();
    const stream = await openEvents((init) =>
      yoga.fetch('http://yoga/graphql', { ...init, method: 'POST', headers: { ...init.headers, 'content-type': 'application/json' }, body: JSON.stringify({ query: SUBSCRIBE }) }),
    );
    open.push(stream);
    await until(() => live.listening() > before);
    const { sequence } = (await record(RENAME_ADVISOR_SANYO)).recordAmendment;
    expect((await stream.next()).data.directoryChanged.action).toBe('RECORDED');
    await revert('advisor-liaison-meeting', sequence);
    expect((await stream.next()).data.directoryChanged.action).toBe('REVERTED');
  });

  it('closing live updates (server shutdown) ends every stream', async () => {
    const stream = await subscribe();
    await live.close();
    expect(await stream.ended()).toBe(true);
    expect(live.listening()).toBe(0);
  });
});
