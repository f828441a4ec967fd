/**
 * The panel page's screen stream on a real panel (sim hardware, sim camera, no cloud sync): the
 * directory when it opens and after an applied config that changed it, the call at each change, card
 * feedback at each tap's decision (and nothing of a refused card but "not granted"); the number of
 * streams is bounded.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallState, CardFeedback, DirectoryReply } from '../../../cloud-sync/protocol/panel-api.ts';
import { SCREEN_STREAM_PATH } from '../../../cloud-sync/protocol/panel-api.ts';
import { MAX_SCREEN_STREAMS } from '../../../device/api/routes/screen-stream.ts';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { DEMO_CARDS, demoBuilding } from '../../../device/sim/demo-building.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { tempDir } from '../../support/temp-dir.ts';

interface Follower {
  /** The raw text of one kind of event, as received. */
  raw: (name: string) => string;
  events: <T>(name: string) => T[];
  cancel: () => Promise<void>;
}

async function follow(base: string): Promise<Follower> {
  const res = await fetch(`${base}${SCREEN_STREAM_PATH}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  let text = '';
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      text += value;
    }
  })();
  const blocks = (name: string) =>
    text
      .split('\n\n')
      .map((block) => block.split('\n'))
      .filter((lines) => lines[0] === `event: ${name}`);
  return {
    raw: (name) => blocks(name).flat().join('\n'),
    events: <T>(name: string) =>
      blocks(name).map((lines) => JSON.parse(lines[1]!.slice('data: '.length)) as T),
    cancel: () => reader.cancel().catch(() => undefined),
  };
}

describe('the screen stream', () => {
  let panel: Panel;
  let base: string;

  beforeAll(async () => {
    const dir = tempDir();
    panel = new Panel({
      config: validateConfig(
        demoConfig({
          storePath: join(dir, 'panel.db'),
          port: 0,
          installerToken: 'test-installer-token-0123',
        }),
      ),
      logger: silentLogger,
    });
    await panel.start();
    panel.store?.buildingData.replaceBuildingData(demoBuilding());
    base = `http://127.0.0.1:${panel.apiAddress().port}`;
  }, 30_000);
  afterAll(async () => {
    await panel?.stop();
  });

  const tap = (readerId: string, uid: string) =>
    fetch(`${base}/api/v1/sim/readers/${readerId}/tap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid }),
    });

  it('sends the directory at once, and again after an applied config changed it', async () => {
    const f = await follow(base);
    const directories = () => f.events<DirectoryReply>('directory');
    await until(() => directories().length === 1, 'the first directory', 5000);
    expect(directories()[0]!.bells.map((b) => b.bellId)).toContain('bell-anna');
    expect(directories()[0]!.site.entranceName).toBe('Storgatan 12, entrance A');
    // A config without Anna's bell, applied as sync applies one (the data, then the audit record).
    const building = demoBuilding();
    building.bells = (building.bells ?? []).filter((b) => b.id !== 'bell-anna');
    panel.store!.buildingData.replaceBuildingData(building);
    panel.audit!.append({ type: 'config.applied', data: { version: 2, kind: 'snapshot', epoch: 0 } });
    await until(() => directories().length === 2, 'the changed directory', 5000);
    expect(directories()[1]!.bells.map((b) => b.bellId)).not.toContain('bell-anna');
    // Applied again without a change: nothing new is sent (checked after a change that is sent).
    panel.audit!.append({ type: 'config.applied', data: { version: 3, kind: 'patch', epoch: 0 } });
    // Let the stream handle that one on its own (it reads the directory on the next turn).
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    panel.store!.buildingData.replaceBuildingData(demoBuilding());
    panel.audit!.append({ type: 'config.applied', data: { version: 4, kind: 'snapshot', epoch: 0 } });
    await until(() => directories().length >= 3, 'the restored directory', 5000);
    expect(directories()).toHaveLength(3);
    await f.cancel();
  });

  it('sends the call when it opens and at each change, without polling', async () => {
    const f = await follow(base);
    const calls = () => f.events<CallState>('call');
    await until(() => calls().length === 1, 'the call on connect', 5000);
    expect(calls()[0]!.phase).toBe('idle');
    const ring = await fetch(`${base}/api/v1/bells/bell-anna/ring`, { method: 'POST' });
    expect(ring.status).toBe(202);
    const { callId } = (await ring.json()) as { callId: string };
    await until(() => calls().some((c) => c.phase === 'ringing'), 'ringing on the stream', 5000);
    expect(calls().find((c) => c.phase === 'ringing')).toMatchObject({ callId, bellId: 'bell-anna' });
    expect((await fetch(`${base}/api/v1/calls/${callId}/hangup`, { method: 'POST' })).status).toBe(200);
    await until(() => calls().at(-1)?.phase === 'idle', 'idle again on the stream', 5000);
    expect(calls().at(-1)).toEqual({ phase: 'idle', last: { callId, outcome: 'cancelled' } });
    // Each change once: no state is repeated back to back.
    const sent = calls().map((c) => JSON.stringify(c));
    expect(sent.filter((s, i) => s === sent[i - 1])).toEqual([]);
    await f.cancel();
  });

  it('sends card feedback at each decision: the doors a granted card opened, by name', async () => {
    const f = await follow(base);
    const cards = () => f.events<CardFeedback>('card');
    expect((await tap('courtyard-reader', DEMO_CARDS.resident)).status).toBe(200);
    await until(() => cards().length === 1, 'the granted tap', 5000);
    const [granted] = cards();
    expect(granted).toEqual({
      tapId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: expect.any(Number),
      granted: true,
      doors: [
        { id: 'bike-room', name: 'Bike room' },
        { id: 'garage', name: 'Garage gate' },
      ],
    });
    // The tap's id names Anna's granted tap on the panel, for the resident sign-in, and nowhere else.
    expect(panel.recentTaps?.residentOf(granted!.tapId)).toBe('resident-01');
    // A repeated tap changes nothing at the door and sends nothing new.
    await tap('courtyard-reader', DEMO_CARDS.resident);
    expect((await tap('entrance-reader', DEMO_CARDS.resident7Byte)).status).toBe(200);
    await until(() => cards().length === 2, "Erik's tap", 5000);
    expect(cards()[1]!.tapId).not.toBe(granted!.tapId);
    await f.cancel();
  });

  it('tells nothing of a refused card: no reason, no name, no UID or its hash', async () => {
    const f = await follow(base);
    const cards = () => f.events<CardFeedback>('card');
    const refused = [DEMO_CARDS.revoked, DEMO_CARDS.unknown, DEMO_CARDS.blocked, DEMO_CARDS.removedResident];
    const decisions: Record<string, unknown>[] = [];
    for (const uid of refused) {
      const res = await tap('entrance-reader', uid);
      decisions.push((await res.json()) as Record<string, unknown>);
    }
    await until(() => cards().length === refused.length, 'the refused taps', 5000);
    for (const card of cards()) {
      expect(Object.keys(card).sort()).toEqual(['at', 'doors', 'granted', 'tapId']);
      expect(card).toMatchObject({ granted: false, doors: [] });
      expect(panel.recentTaps?.residentOf(card.tapId)).toBeUndefined();
    }
    // The decisions had reasons, hashes and residents: none of it is on the stream.
    expect(decisions.map((d) => d['reason'])).toContain('card_revoked');
    const stream = f.raw('card');
    for (const d of decisions) {
      expect(stream).not.toContain(String(d['uidHash']));
      expect(stream).not.toContain(String(d['reason']));
      if (d['residentId']) expect(stream).not.toContain(String(d['residentId']));
    }
    for (const uid of refused) expect(stream.toLowerCase()).not.toContain(uid.toLowerCase());
    for (const r of demoBuilding().residents ?? []) expect(stream).not.toContain(r.name);
    expect(stream).not.toMatch(/revoked|blocked|unknown|removed/);
    await f.cancel();
  });

  it('refuses streams beyond its bound', async () => {
    const open: Follower[] = [];
    for (let i = 0; i < MAX_SCREEN_STREAMS; i++) open.push(await follow(base));
    await until(async () => (await fetch(`${base}${SCREEN_STREAM_PATH}`)).status === 429, 'a refusal', 5000);
    await Promise.all(open.map((f) => f.cancel()));
    await until(
      async () => {
        const res = await fetch(`${base}${SCREEN_STREAM_PATH}`);
        await res.body?.cancel();
        return res.status === 200;
      },
      'room again once they closed',
      5000,
    );
  });

  it('documents the stream and its events in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
    };
    expect(doc.paths).not.toHaveProperty(['/api/v1/directory/stream']);
    const stream = JSON.stringify(doc.paths[SCREEN_STREAM_PATH]);
    for (const event of ['directory', 'call', 'card']) expect(stream).toContain(`event: ${event}`);
  });
});
