/**
 * The resident sign-in at the panel on a real store (the demo building), the real audit log and the real
 * recent taps, on a fake clock: which taps may sign in, the wrong-PIN backoff and the global bound, the
 * audit rows (never the PIN), the one session of at most three minutes, and changes sent to the hub as
 * audit events only while the hub can be reached.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResidentSignInBody } from '../../../cloud-sync/protocol/resident-panel.ts';
import type { AuditEvent } from '../../../device/audit/types.ts';
import {
  ATTEMPTS,
  CHANGES_PER_SESSION,
  ResidentPanel,
} from '../../../device/resident-panel/resident-panel.ts';
import { demoBuilding } from '../../../device/sim/demo-building.ts';
import type { Store } from '../../../device/store/store.ts';
import { RecentTaps } from '../../../device/taps/recent-taps.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { hashScrypt } from '../../../lib/crypto/scrypt-hash.ts';
import { PortvaktError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { openTempStore } from '../store/temp-store.ts';

const ANNA = 'resident-01';
const ANNA_CARD = 'card-resident-01';
const PIN = '4071';
let annaHash: string;

/** The status an error maps to over HTTP, and its code (lib/http/json-server.ts). */
async function refusal(attempt: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof attempt === 'function' ? attempt() : attempt);
  } catch (err) {
    const e = err as PortvaktError & { retryAfterS?: number };
    expect(e).toBeInstanceOf(PortvaktError);
    return { code: e.code, message: e.message, retryAfterS: e.retryAfterS };
  }
  throw new Error('expected a refusal');
}

describe('resident sign-in at the panel', () => {
  let clock: FakeClock;
  let store: Store;
  let cleanup: () => void;
  let taps: RecentTaps;
  let hubUp: boolean;
  let panel: ResidentPanel;

  const events = (type: string): AuditEvent[] => store.audit.after(0, 10_000).filter((e) => e.type === type);
  const tapOf = (residentId = ANNA, cardId = ANNA_CARD) =>
    taps.remember({ granted: true, residentId, cardId });
  const signIn = (body: Partial<ResidentSignInBody> = {}) =>
    panel.signIn({ tapId: body.tapId ?? tapOf(), pin: body.pin ?? PIN });

  beforeEach(async () => {
    annaHash ??= await hashScrypt(PIN);
    clock = new FakeClock();
    ({ store, cleanup } = openTempStore(clock));
    const building = demoBuilding();
    building.residents = building.residents?.map((r) =>
      r.id === ANNA ? { ...r, panelPinHash: annaHash } : r,
    );
    store.buildingData.replaceBuildingData(building);
    taps = new RecentTaps({ clock });
    hubUp = true;
    panel = new ResidentPanel({
      lookup: store.residentPanel,
      recentTaps: taps,
      audit: store.audit,
      clock,
      logger: silentLogger,
      hubConnected: () => hubUp,
    });
  });
  afterEach(() => cleanup());

  it('signs in with a recent tap of the resident’s own card and their PIN, and says who', async () => {
    const reply = await signIn();
    expect(reply.resident).toEqual({ name: 'Anna Andersson', displayName: 'Anna Andersson', hidden: false });
    expect(reply.expiresAt).toBe(clock.now() + 180_000);
    expect(reply.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(events('resident.panel_signed_in').map((e) => e.data)).toEqual([
      { residentId: ANNA, cardId: ANNA_CARD },
    ]);
    // Nowhere in the audit log's data: the PIN or its hash (event ids are hex, so only the data).
    const data = JSON.stringify(store.audit.after(0, 10_000).map((e) => e.data));
    expect(data).not.toMatch(new RegExp(`${PIN}|scrypt`));
  });

  it('refuses an unknown tap, a stale one, a refused one and a used one: tap again', async () => {
    expect(await refusal(signIn({ tapId: 'no-such-tap-0000' }))).toMatchObject({ code: 'not_found' });
    const stale = tapOf();
    clock.advance(60_001);
    expect(await refusal(signIn({ tapId: stale }))).toMatchObject({ code: 'not_found' });
    // A refused card's tap names nobody.
    const refused = taps.remember({ granted: false });
    expect(await refusal(signIn({ tapId: refused }))).toMatchObject({ code: 'not_found' });
    const used = tapOf();
    await signIn({ tapId: used });
    expect(await refusal(signIn({ tapId: used }))).toMatchObject({ code: 'not_found' });
    expect(events('resident.panel_sign_in_refused').map((e) => e.data)).toEqual([
      { reason: 'unknown_tap' },
      { reason: 'unknown_tap' },
      { reason: 'unknown_tap' },
      { reason: 'unknown_tap' },
    ]);
  });

  it('refuses a card that is not active now, and a resident without a PIN', async () => {
    const tapId = tapOf();
    // Blocked by its owner after the tap (a config arrived meanwhile).
    const building = demoBuilding();
    building.cards = building.cards?.map((c) =>
      c.id === ANNA_CARD ? { ...c, status: 'blocked' as const } : c,
    );
    store.buildingData.replaceBuildingData(building);
    expect(await refusal(signIn({ tapId }))).toMatchObject({ code: 'forbidden' });
    // Erik's card, Erik has no PIN.
    const erik = await refusal(signIn({ tapId: tapOf('resident-02', 'card-resident-02') }));
    expect(erik).toMatchObject({ code: 'no_pin', message: expect.stringMatching(/resident app/) });
    expect(events('resident.panel_sign_in_refused').map((e) => e.data)).toEqual([
      { reason: 'card_not_usable', residentId: ANNA },
      { reason: 'no_pin', residentId: 'resident-02' },
    ]);
  });

  it('backs off after three wrong PINs: 30 s doubling, checking no PIN meanwhile', async () => {
    const wrong = () => refusal(signIn({ pin: '9999' }));
    expect(await wrong()).toMatchObject({ code: 'unauthorized', message: /2 tries left/ });
    expect(await wrong()).toMatchObject({ code: 'unauthorized', message: /1 try left/ });
    expect(await wrong()).toMatchObject({ code: 'unauthorized', message: /wait 30 s/ });
    // During the pause even the right PIN is not checked.
    expect(await refusal(signIn())).toMatchObject({ code: 'rate_limited', retryAfterS: 30 });
    clock.advance(29_000);
    expect(await refusal(signIn())).toMatchObject({ code: 'rate_limited', retryAfterS: 1 });
    clock.advance(1_000);
    expect(await wrong()).toMatchObject({ code: 'unauthorized', message: /wait 60 s/ });
    clock.advance(60_000);
    expect(await wrong()).toMatchObject({ message: /wait 120 s/ });
    clock.advance(120_000);
    // The right PIN after the pause signs in and clears the count.
    await signIn();
    expect(await wrong()).toMatchObject({ message: /2 tries left/ });
    const refused = events('resident.panel_sign_in_refused').map((e) => e.data);
    expect(refused.filter((d) => d['reason'] === 'wrong_pin').map((d) => d['failures'])).toEqual([
      1, 2, 3, 4, 5, 1,
    ]);
    expect(refused.filter((d) => d['reason'] === 'backoff')).toEqual([
      { reason: 'backoff', residentId: ANNA, retryAfterS: 30 },
      { reason: 'backoff', residentId: ANNA, retryAfterS: 1 },
    ]);
  });

  it('caps the pause at an hour', async () => {
    for (let i = 0; i < 10; i++) {
      await refusal(signIn({ pin: '9999' }));
      clock.advance(3_600_000);
    }
    const last = await refusal(signIn({ pin: '9999' }));
    expect(last.message).toMatch(/wait 3600 s/);
  });

  it('bounds the attempts of everyone together, unaudited beyond the bound', async () => {
    const audited = () => events('resident.panel_sign_in_refused').length;
    for (let i = 0; i < ATTEMPTS.burst; i++) await refusal(signIn({ tapId: `unknown-tap-${i}00000` }));
    expect(audited()).toBe(ATTEMPTS.burst);
    const over = await refusal(signIn());
    expect(over).toMatchObject({ code: 'rate_limited' });
    expect(audited()).toBe(ATTEMPTS.burst);
    clock.advance(over.retryAfterS! * 1000);
    await signIn();
  });

  it('keeps one session, for three minutes at most', async () => {
    const first = await signIn();
    expect(panel.settings(first.token).resident.name).toBe('Anna Andersson');
    const second = await signIn();
    expect(await refusal(() => panel.settings(first.token))).toMatchObject({ code: 'unauthorized' });
    clock.advance(179_999);
    expect(panel.settings(second.token).expiresAt).toBe(second.expiresAt);
    clock.advance(1);
    expect(await refusal(() => panel.settings(second.token))).toMatchObject({ code: 'unauthorized' });
    const third = await signIn();
    panel.signOut(third.token);
    expect(await refusal(() => panel.change(third.token, { hidden: true }))).toMatchObject({
      code: 'unauthorized',
    });
  });

  it('sends a change to the hub as an audit event, and nothing while the hub cannot be reached', async () => {
    const { token } = await signIn();
    const sent = panel.change(token, { hidden: true, displayName: 'Anna A.' });
    const [event] = events('resident.panel_settings_changed');
    expect(sent).toEqual({ sent: true, eventId: event!.id });
    expect(event!.data).toEqual({ residentId: ANNA, hidden: true, displayName: 'Anna A.' });
    // Nothing applied here: the panel shows what the hub sends back.
    expect(panel.settings(token).resident).toMatchObject({ hidden: false, displayName: 'Anna Andersson' });
    hubUp = false;
    expect(await refusal(() => panel.change(token, { hidden: false }))).toMatchObject({
      code: 'hub_unreachable',
    });
    expect(events('resident.panel_settings_changed')).toHaveLength(1);
    hubUp = true;
    for (let i = 1; i < CHANGES_PER_SESSION; i++) panel.change(token, { hidden: i % 2 === 0 });
    expect(await refusal(() => panel.change(token, { hidden: true }))).toMatchObject({
      code: 'rate_limited',
    });
  });

  it('names no bell text for a resident without a bell of their own here', async () => {
    // Lars (resident-04) lives in a unit with a sequential bell, no separate one.
    const building = demoBuilding();
    building.residents = building.residents?.map((r) =>
      r.id === 'resident-04' ? { ...r, panelPinHash: annaHash } : r,
    );
    store.buildingData.replaceBuildingData(building);
    const { token, resident } = await signIn({ tapId: tapOf('resident-04', 'card-resident-04') });
    expect(resident.displayName).toBeNull();
    expect(await refusal(() => panel.change(token, { displayName: 'Lars' }))).toMatchObject({
      code: 'no_own_bell',
    });
    expect(panel.change(token, { hidden: true }).sent).toBe(true);
  });
});
