/**
 * The events routes WebAdmin uses: filters (door, resident, card, type, time, building), newest first,
 * building administrators' scope, the CSV export (no UID or UID hash in it, formulas defused, bounded
 * pages) and the live stream (ticket, single use, filtered, bounded, ended when the session is).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, adminApi, bearer, buildingAdminSession, startTestHub } from '../../support/hub.ts';
import { type Broker, startBroker } from './hub-harness.ts';

const PASSWORD = 'correct horse battery staple';
const T0 = Date.parse('2026-12-07T08:00:00Z');

/** Stores events as the panel's in-order stream would, one second apart from `T0 + at`. */
function store(
  hub: Hub,
  panelId: string,
  at: number,
  events: [string, string | null, Record<string, unknown>][],
) {
  const after = hub.store.events.position(panelId);
  const batch = events.map(([type, doorId, data], i) => ({
    id: `${panelId}-${after + i + 1}`,
    seq: after + i + 1,
    ts: T0 + at + i * 1000,
    type,
    doorId,
    readerId: doorId ? `${doorId}-reader` : null,
    data,
  }));
  expect(hub.store.events.storeInOrder(panelId, after, batch, T0).gap).toBe(false);
}

const tap = (granted: boolean, card: string, resident: string, door: string) =>
  [
    granted ? 'access.granted' : 'access.denied',
    door,
    {
      reason: granted ? 'granted' : 'card_blocked',
      doorIds: [door],
      uidHash: 'h:SECRETHASH',
      cardId: card,
      residentId: resident,
    },
  ] as [string, string, Record<string, unknown>];

/** An open event stream read as text. */
interface Stream {
  text: () => string;
  closed: () => boolean;
  cancel: () => Promise<void>;
}

async function openStream(base: string, ticket: string): Promise<{ status: number; stream?: Stream }> {
  const res = await fetch(`${base}/api/v1/events/stream?ticket=${encodeURIComponent(ticket)}`);
  if (res.status !== 200) {
    await res.text();
    return { status: res.status };
  }
  let text = '';
  let closed = false;
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      text += value;
    }
    closed = true;
  })();
  return {
    status: 200,
    stream: { text: () => text, closed: () => closed, cancel: () => reader.cancel().catch(() => undefined) },
  };
}

describe('events for WebAdmin', () => {
  let broker: Broker;
  let hub: Hub;
  let base: string;
  let operator: AdminApi;
  let karinToken: string;
  let karin: (method: string, path: string, body?: unknown) => ReturnType<AdminApi>;
  const clock = new FakeClock(T0);

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, clock });
    operator = adminApi(hub);
    base = `http://127.0.0.1:${hub.apiAddress().port}`;
    for (const b of ['b1', 'b2']) {
      for (const [name, row] of [
        ['buildings', { id: b, name: `Building ${b}`, timeZone: 'Europe/Stockholm' }],
        ['panels', { id: `p-${b}`, name: 'Entrance', buildingId: b }],
      ] as const)
        expect((await operator('POST', `/api/v1/${name}`, row)).status).toBe(201);
    }
    const session = await buildingAdminSession(operator, clock, 'karin', ['b1'], PASSWORD);
    karinToken = session;
    karin = (method, path, body) => operator(method, path, body, bearer(karinToken));
    store(hub, 'p-b1', 0, [
      tap(true, 'c1', 'r1', 'd1'),
      tap(false, 'c2', 'r2', 'd1'),
      ['door.opened', 'd2', { authorized: false, by: null }],
      tap(true, 'c1', 'r1', 'd2'),
    ]);
    store(hub, 'p-b2', 10_000, [
      tap(true, 'c9', 'r9', 'd9'),
      ['door.held_open', 'd9', { reason: '=HYPERLINK("x")' }],
    ]);
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  const ids = (body: { events: { id: string }[] }) => body.events.map((e) => e.id);

  it('filters by door, resident, card, type, time and building, newest first', async () => {
    expect(ids((await operator('GET', '/api/v1/events')).body)).toEqual([
      'p-b2-2',
      'p-b2-1',
      'p-b1-4',
      'p-b1-3',
      'p-b1-2',
      'p-b1-1',
    ]);
    expect(ids((await operator('GET', '/api/v1/events?door=d1')).body)).toEqual(['p-b1-2', 'p-b1-1']);
    expect(ids((await operator('GET', '/api/v1/events?resident=r1')).body)).toEqual(['p-b1-4', 'p-b1-1']);
    expect(ids((await operator('GET', '/api/v1/events?card=c2')).body)).toEqual(['p-b1-2']);
    expect(ids((await operator('GET', '/api/v1/events?type=access.denied,door.opened')).body)).toEqual([
      'p-b1-3',
      'p-b1-2',
    ]);
    expect(ids((await operator('GET', `/api/v1/events?from=${T0 + 1000}&to=${T0 + 3000}`)).body)).toEqual([
      'p-b1-3',
      'p-b1-2',
    ]);
    expect(ids((await operator('GET', '/api/v1/events?building=b2')).body)).toEqual(['p-b2-2', 'p-b2-1']);
    const bad = await operator('GET', '/api/v1/events?type=Access%20granted');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/type/);
  });

  it("shows a building administrator her buildings' events only", async () => {
    expect(ids((await karin('GET', '/api/v1/events')).body)).toEqual([
      'p-b1-4',
      'p-b1-3',
      'p-b1-2',
      'p-b1-1',
    ]);
    // Naming another building's resident or card narrows to nothing; naming its panel or building is a 404.
    expect(ids((await karin('GET', '/api/v1/events?resident=r9')).body)).toEqual([]);
    expect((await karin('GET', '/api/v1/events?building=b2')).status).toBe(404);
    expect((await karin('GET', '/api/v1/events?panel=p-b2')).status).toBe(404);
    expect((await karin('GET', '/api/v1/events.csv?building=b2')).status).toBe(404);
  });

  it('exports CSV with the same filters, without UID hashes, formulas defused, in bounded pages', async () => {
    const res = await fetch(`${base}/api/v1/events.csv?limit=4`, {
      headers: bearer('test-admin-token-0123456789'),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const next = res.headers.get('x-next-before');
    const text = await res.text();
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'cursor,time,receivedAt,panelId,type,doorId,readerId,residentId,cardId,reason,details',
    );
    expect(lines).toHaveLength(5);
    expect(text).not.toContain('SECRETHASH');
    // A formula in a reason is defused: a spreadsheet shows it as text.
    expect(lines[1]).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(lines[1]).toMatch(/^\d+,2026-12-07T08:00:11.000Z,.*,p-b2,door.held_open,d9,/);
    expect(next).not.toBeNull();
    const older = await fetch(`${base}/api/v1/events.csv?before=${next}`, {
      headers: bearer('test-admin-token-0123456789'),
    });
    expect(older.headers.get('x-next-before')).toBeNull();
    expect((await older.text()).trimEnd().split('\r\n')).toHaveLength(3);
    const mine = await fetch(`${base}/api/v1/events.csv?card=c2`, { headers: bearer(karinToken) });
    const rows = (await mine.text()).trimEnd().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(
      /,p-b1,access.denied,d1,d1-reader,r2,c2,card_blocked,"{""doorIds"":\[""d1""\]}"$/,
    );
  });

  it('streams new events of its filter, live, to the holder of a single-use ticket', async () => {
    const ticket = await karin('POST', '/api/v1/events/stream-ticket', { type: ['access.granted'] });
    expect(ticket.status).toBe(201);
    const { stream } = await openStream(base, ticket.body.ticket);
    expect(stream).toBeDefined();
    // Spent: a second open (a leaked URL) is refused.
    expect((await openStream(base, ticket.body.ticket)).status).toBe(401);
    store(hub, 'p-b2', 20_000, [tap(true, 'c9', 'r9', 'd9')]);
    store(hub, 'p-b1', 20_000, [tap(false, 'c2', 'r2', 'd1'), tap(true, 'c1', 'r1', 'd1')]);
    await until(() => stream!.text().includes('p-b1-6'), 'the granted tap on the stream', 5000);
    const events = stream!
      .text()
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)).id);
    expect(events).toEqual(['p-b1-6']);
    expect(stream!.text()).toMatch(/event: event\nid: \d+\ndata: /);
    await stream!.cancel();
    await until(() => hub.eventStreams.openCount === 0, 'the stream to close at the hub', 5000);
  });

  it('resumes after a cursor, and refuses tickets that are unknown, expired or missing', async () => {
    const cursor = (await operator('GET', '/api/v1/events?building=b1&limit=1&order=asc')).body.events[0]
      .cursor;
    const t = await operator('POST', '/api/v1/events/stream-ticket', { building: 'b1', after: cursor });
    const { stream } = await openStream(base, t.body.ticket);
    await until(() => stream!.text().includes('p-b1-6'), 'the backlog', 5000);
    expect(stream!.text()).not.toContain(`"id":"p-b1-1"`);
    expect(stream!.text()).toContain(`"id":"p-b1-2"`);
    await stream!.cancel();
    expect((await openStream(base, 'not-a-ticket')).status).toBe(401);
    expect((await fetch(`${base}/api/v1/events/stream`)).status).toBe(400);
    const old = await operator('POST', '/api/v1/events/stream-ticket', {});
    clock.advance(31_000);
    expect((await openStream(base, old.body.ticket)).status).toBe(401);
    // Without a credential there is no ticket.
    expect((await operator('POST', '/api/v1/events/stream-ticket', {}, {})).status).toBe(401);
  });

  it('bounds the streams of one administrator and ends them when she logs out', async () => {
    const streams: Stream[] = [];
    for (let i = 0; i < 4; i++) {
      const t = await karin('POST', '/api/v1/events/stream-ticket', {});
      const opened = await openStream(base, t.body.ticket);
      expect(opened.status).toBe(200);
      streams.push(opened.stream!);
    }
    const fifth = await karin('POST', '/api/v1/events/stream-ticket', {});
    expect(fifth.status).toBe(429);
    await until(() => hub.eventStreams.openCount === 4, 'four streams at the hub', 5000);
    expect((await karin('POST', '/api/v1/admin/logout')).status).toBe(204);
    // At once, not at the next heartbeat (the fake clock does not move).
    await until(() => streams.every((s) => s.closed()), 'the streams to end', 5000);
    expect(streams[0]!.text()).toContain('event: end\ndata: session_ended');
    expect(hub.eventStreams.openCount).toBe(0);
  });

  it('ends a stream at the heartbeat once its session has expired', async () => {
    const t = await operator('POST', '/api/v1/events/stream-ticket', {});
    const { stream } = await openStream(base, t.body.ticket);
    clock.advance(10_000);
    await until(() => stream!.text().includes(': heartbeat'), 'a heartbeat', 5000);
    expect(stream!.closed()).toBe(false);
    // An administrator's session idles out; the stream's own checks do not keep it alive.
    const session = await buildingAdminSession(operator, clock, 'ida', ['b1'], PASSWORD);
    const mine = await operator('POST', '/api/v1/events/stream-ticket', {}, bearer(session));
    const idle = await openStream(base, mine.body.ticket);
    // 31 minutes of heartbeats (each one checks the session): past the 30-minute idle limit only if the
    // checks did not count as use.
    clock.advance(31 * 60_000);
    await until(() => idle.stream!.closed(), 'the idle session to end its stream', 5000);
    expect(idle.stream!.text()).toContain('event: end\ndata: session_ended');
    await stream!.cancel();
  });

  it('documents every events route in the OpenAPI document', async () => {
    const doc = (await operator('GET', '/api/v1/openapi.json')).body;
    for (const path of ['/api/v1/events', '/api/v1/events.csv', '/api/v1/events/stream'])
      expect(doc.paths[path]?.get, path).toBeDefined();
    expect(doc.paths['/api/v1/events/stream-ticket'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/events/stream'].get.security).toEqual([]);
  });
});
