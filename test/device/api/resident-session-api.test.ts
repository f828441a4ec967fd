/**
 * The resident sign-in over the panel's local API, on a real panel (sim hardware, no cloud sync): a card
 * tapped on the simulated reader, its tapId from the screen stream, the PIN; the statuses and bodies the
 * panel page relies on, Retry-After while backing off, bad input named, and changes refused while the
 * hub cannot be reached (this panel has no sync at all).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardFeedback } from '../../../cloud-sync/protocol/panel-api.ts';
import { SCREEN_STREAM_PATH } from '../../../cloud-sync/protocol/panel-api.ts';
import { RESIDENT_SESSION_PATH } from '../../../cloud-sync/protocol/resident-panel.ts';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { DEMO_CARDS, demoBuilding } from '../../../device/sim/demo-building.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import { hashScrypt } from '../../../lib/crypto/scrypt-hash.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { tempDir } from '../../support/temp-dir.ts';

const PIN = '2580';

describe('the resident session routes', () => {
  let panel: Panel;
  let base: string;
  let cards: CardFeedback[];
  let stopStream: () => Promise<void>;

  beforeAll(async () => {
    const dir = tempDir();
    const config = demoConfig({
      storePath: join(dir, 'panel.db'),
      port: 0,
      installerToken: 'test-installer-token-0123',
    });
    panel = new Panel({
      // Every tap decided (no repeat-tap window): each sign-in here needs a fresh tap.
      config: validateConfig({ ...config, access: { repeatTapWindowMs: 0 } }),
      logger: silentLogger,
    });
    await panel.start();
    const building = demoBuilding();
    const hash = await hashScrypt(PIN);
    building.residents = building.residents?.map((r) =>
      r.id === 'resident-01' ? { ...r, panelPinHash: hash } : r,
    );
    panel.store?.buildingData.replaceBuildingData(building);
    base = `http://127.0.0.1:${panel.apiAddress().port}`;
    // The page's screen stream: where a tap's id comes from.
    cards = [];
    const res = await fetch(`${base}${SCREEN_STREAM_PATH}`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    stopStream = () => reader.cancel().catch(() => undefined);
    void (async () => {
      let text = '';
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        text += value;
        const blocks = text.split('\n\n');
        text = blocks.pop() ?? '';
        for (const block of blocks) {
          const [event, data] = block.split('\n');
          if (event === 'event: card') cards.push(JSON.parse(data!.slice('data: '.length)) as CardFeedback);
        }
      }
    })();
  }, 30_000);
  afterAll(async () => {
    await stopStream?.();
    await panel?.stop();
  });

  /** Taps a card on the simulated entrance reader; resolves with the tap's id from the screen stream. */
  const tap = async (uid: string = DEMO_CARDS.resident): Promise<string> => {
    const before = cards.length;
    const res = await fetch(`${base}/api/v1/sim/readers/entrance-reader/tap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid }),
    });
    expect(res.status).toBe(200);
    return until(() => cards[before]?.tapId, 'the tap on the screen stream', 5000);
  };
  const request = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const signIn = (tapId: string, pin = PIN) => request('POST', RESIDENT_SESSION_PATH, { tapId, pin });

  it('signs a resident in with their card’s tap and PIN, and sends their change nowhere without a hub', async () => {
    const res = await signIn(await tap());
    expect(res.status).toBe(201);
    expect(res.body.resident).toEqual({
      name: 'Anna Andersson',
      displayName: 'Anna Andersson',
      hidden: false,
    });
    const token = res.body.token as string;
    const me = await request('GET', `${RESIDENT_SESSION_PATH}/me`, undefined, token);
    expect(me).toMatchObject({ status: 200, body: { resident: { name: 'Anna Andersson' } } });
    const change = await request('PATCH', `${RESIDENT_SESSION_PATH}/me`, { hidden: true }, token);
    expect(change.status).toBe(409);
    expect(change.body.error).toMatchObject({
      code: 'hub_unreachable',
      message: expect.stringMatching(/resident app/),
    });
    expect((await request('DELETE', RESIDENT_SESSION_PATH, undefined, token)).status).toBe(204);
    expect((await request('GET', `${RESIDENT_SESSION_PATH}/me`, undefined, token)).status).toBe(401);
  });

  it('answers what the screen tells apart: no such tap, a card that may not sign in, no PIN', async () => {
    expect((await signIn('0f3c7e1a-9b1d-4c55-8a3e-000000000000')).status).toBe(404);
    // A refused card's tap names nobody: the same as no tap.
    expect((await signIn(await tap(DEMO_CARDS.revoked))).status).toBe(404);
    const erik = await signIn(await tap(DEMO_CARDS.resident7Byte));
    expect(erik).toMatchObject({ status: 409, body: { error: { code: 'no_pin' } } });
  });

  it('names what was wrong with a bad request, and changes nothing', async () => {
    const before = panel.audit!.lastSeq();
    for (const [body, field] of [
      [{ tapId: 'x', pin: PIN }, 'tapId'],
      [{ tapId: '0f3c7e1a-9b1d-4c55-8a3e-000000000000', pin: '12' }, 'pin'],
      [{ tapId: '0f3c7e1a-9b1d-4c55-8a3e-000000000000', pin: PIN, extra: 1 }, 'extra'],
    ] as const) {
      const res = await request('POST', RESIDENT_SESSION_PATH, body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain(field);
    }
    expect(panel.audit!.lastSeq()).toBe(before);
    const { body } = await signIn(await tap());
    const patch = await request('PATCH', `${RESIDENT_SESSION_PATH}/me`, { hidden: 'yes' }, body.token);
    expect(patch.status).toBe(400);
    expect((await request('PATCH', `${RESIDENT_SESSION_PATH}/me`, {}, body.token)).status).toBe(400);
    expect((await request('PATCH', `${RESIDENT_SESSION_PATH}/me`, { hidden: true })).status).toBe(401);
  });

  it('backs off wrong PINs with 429 and Retry-After', async () => {
    for (const expected of [401, 401, 401]) expect((await signIn(await tap(), '9999')).status).toBe(expected);
    const paused = await signIn(await tap());
    expect(paused.status).toBe(429);
    expect(Number(paused.headers.get('retry-after'))).toBeGreaterThan(25);
    const refused = panel.audit!.after(0, 10_000).filter((e) => e.type === 'resident.panel_sign_in_refused');
    expect(refused.map((e) => e.data['reason'])).toEqual(
      expect.arrayContaining(['wrong_pin', 'backoff', 'unknown_tap', 'no_pin']),
    );
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([RESIDENT_SESSION_PATH, `${RESIDENT_SESSION_PATH}/me`]),
    );
  });
});
