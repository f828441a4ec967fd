/**
 * Calls and cards on the panel page, driven as visitors drive it in Chromium against the simulator
 * (`npm start`): ringing and cancelling by touch and by keyboard, the phone fallback's states and
 * outcomes (the phone-only resident's phone is the lab's scripted phone: scripts/sim/panel-page.ts),
 * nobody reachable, card feedback over any screen, read-aloud, the stream down and back, and the return
 * home when the visitor walks away.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from '../../../device/sim/demo-building.ts';
import { until } from '../../../scripts/lab/until.ts';
import {
  DEMO_BELLS,
  endCall,
  openPanelPage,
  type PanelLab,
  resetPanelPage,
  ringFromDirectory,
  screenIs,
  tapCard,
} from '../../../scripts/sim/panel-page.ts';
import { panelJson } from '../../../scripts/sim/simulator.ts';
import {
  pageReaders,
  row,
  type Site,
  startVisitorPage,
  stopVisitorPage,
  type VisitorPage,
} from './visitor-page.ts';

describe('calls and cards at the panel page', () => {
  let v: VisitorPage;
  let lab: PanelLab;
  let browser: Browser;
  /** 800×480 landscape, touch, a short outcome screen. */
  let page: Page;
  let site: Site;
  /** Script errors of the page over the whole file (the last test expects none). */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    v = await startVisitorPage(pageErrors);
    ({ lab, browser, page, site } = v);
  }, 120_000);
  afterAll(() => stopVisitorPage(v ?? {}));

  const { text, focusedTestId, htmlAttr } = pageReaders(() => page);

  it('ring and cancel: the call names the bell only; Cancel ends it; the outcome shows, then home', async () => {
    await resetPanelPage(page, lab);
    await ringFromDirectory(page, 'anna', DEMO_BELLS.picture);
    await screenIs(page, 'call', '[data-view="ringing"]');
    expect(await text('call-title')).toBe('Anna Andersson');
    expect(await page.locator('body').getAttribute('data-call-phase')).toBe('ringing');
    // Nothing of anyone else: no other bell's text, no unit, no number.
    const shown = (await page.locator('[data-screen-name="call"] :is(h1, p, button)').allTextContents()).join(
      ' ',
    );
    const { bells } = (await panelJson(lab.sim, '/api/v1/directory')) as {
      bells: { bellId: string; displayText: string; unitName: string }[];
    };
    for (const bell of bells.filter((b) => b.bellId !== DEMO_BELLS.picture))
      expect(shown).not.toContain(bell.displayText);
    expect(shown).not.toMatch(/Flat|\+\d|\d{4}/);
    await page.getByTestId('hangup').tap();
    await screenIs(page, 'call-ended', '[data-outcome="cancelled"]');
    expect(await panelJson(lab.sim, '/api/v1/call')).toMatchObject({
      phase: 'idle',
      last: { outcome: 'cancelled' },
    });
    // outcomeMs=1500 in this page's URL: home by itself.
    await screenIs(page, 'home');
  });

  it('ring by keyboard: Enter on a row rings, Enter on Cancel ends it', async () => {
    await resetPanelPage(page, lab);
    await page.getByTestId('home-find').focus();
    await page.keyboard.press('Enter');
    await screenIs(page, 'directory');
    await page.keyboard.type('erik');
    await page.getByTestId('ring-bell-erik').focus();
    await page.keyboard.press('Enter');
    await screenIs(page, 'call');
    expect(await focusedTestId()).toBe('call-title');
    await page.keyboard.press('Tab');
    expect(await focusedTestId()).toBe('hangup');
    await page.keyboard.press('Enter');
    await screenIs(page, 'call-ended', '[data-outcome="cancelled"]');
  });

  it('phone fallback: dialing and ringing, "Speak now" once answered, the door the resident opened, welcome', async () => {
    await resetPanelPage(page, lab);
    lab.phone.behaviour = 'ring';
    await ringFromDirectory(page, 'johan', DEMO_BELLS.phone);
    await screenIs(page, 'call', '[data-view="phone-ringing"]');
    expect(await text('call-phase')).toBe('The phone is ringing…');
    await page.getByTestId('hangup').tap();
    await screenIs(page, 'call-ended', '[data-outcome="cancelled"]');

    await resetPanelPage(page, lab);
    lab.phone.behaviour = 'answer';
    await ringFromDirectory(page, 'johan', DEMO_BELLS.phone);
    await screenIs(page, 'call', '[data-view="connected"]');
    expect(await text('call-phase')).toBe('Speak now');
    expect(await text('hangup')).toBe('Hang up');
    expect(await page.getByTestId('call-door').isHidden()).toBe(true);
    await lab.phone.sendDigit('5');
    await page.getByTestId('call-door').waitFor();
    expect(await text('call-door')).toBe('Main entrance is open. Please come in.');
    await lab.phone.hangUp();
    await screenIs(page, 'call-ended', '[data-outcome="door-opened"]');
    expect(await text('ended-title')).toBe('Welcome! Main entrance is open.');
    expect(await page.getByTestId('ring-again').isHidden()).toBe(true);
    await screenIs(page, 'home');
  });

  it('phone fallback: busy, declined and failed each say so; "Ring again" where it may help', async () => {
    const cases = [
      { behaviour: 'busy', outcome: 'busy', title: 'The line is busy', again: true },
      { behaviour: 'decline', outcome: 'declined', title: 'The call was not taken', again: false },
      { behaviour: 'fail', outcome: 'failed', title: 'The call could not be made', again: true },
    ] as const;
    for (const c of cases) {
      await resetPanelPage(page, lab);
      lab.phone.behaviour = c.behaviour;
      await ringFromDirectory(page, 'johan', DEMO_BELLS.phone);
      await screenIs(page, 'call-ended', `[data-outcome="${c.outcome}"]`);
      expect(await text('ended-title'), c.outcome).toBe(c.title);
      expect(await page.getByTestId('ring-again').isVisible(), c.outcome).toBe(c.again);
    }
    // Ring again rings the same bell.
    await resetPanelPage(page, lab);
    lab.phone.behaviour = 'busy';
    await ringFromDirectory(page, 'johan', DEMO_BELLS.phone);
    await screenIs(page, 'call-ended', '[data-outcome="busy"]');
    lab.phone.behaviour = 'answer';
    await page.getByTestId('ring-again').tap();
    await screenIs(page, 'call', '[data-view="connected"]');
    expect(await text('call-title')).toBe('Johan Ek');
    await endCall(lab);
  });

  it('card feedback over any screen: granted names the door; refused says only "Card not accepted"', async () => {
    await resetPanelPage(page, lab);
    await page.getByTestId('home-find').tap();
    await page.getByTestId('key-e').tap();
    const feedback = page.getByTestId('card-feedback');
    expect((await tapCard(lab, DEMO_CARDS.resident)).granted).toBe(true);
    await page.locator('[data-testid="card-feedback"][data-result="granted"]').waitFor();
    expect(await feedback.locator('p').allTextContents()).toEqual(['Welcome', 'Main entrance is open']);
    const grantedTap = await feedback.getAttribute('data-tap-id');
    expect(grantedTap).toMatch(/\S/);
    // The screen under it is as it was.
    expect(await page.locator('body').getAttribute('data-screen')).toBe('directory');
    expect(await page.getByTestId('search').inputValue()).toBe('e');
    const taps = new Set([grantedTap]);
    for (const uid of [
      DEMO_CARDS.revoked,
      DEMO_CARDS.blocked,
      DEMO_CARDS.unknown,
      DEMO_CARDS.removedResident,
    ]) {
      expect((await tapCard(lab, uid)).granted).toBe(false);
      await until(
        async () => !taps.has(await feedback.getAttribute('data-tap-id')),
        'the next tap on the screen',
      );
      taps.add(await feedback.getAttribute('data-tap-id'));
      expect(await feedback.getAttribute('data-result')).toBe('denied');
      // The same neutral words whoever the card was: nothing a stranger could learn from.
      expect(await feedback.locator('p').allTextContents()).toEqual([
        'Card not accepted',
        'Please ring the person you are visiting.',
      ]);
    }
  });

  it('read aloud: status lines in the visitor’s language through the speech endpoint, one at a time', async () => {
    await resetPanelPage(page, lab);
    interface Line {
      lang: string;
      text: string;
      askedAt: number;
      /** When its WAV had arrived, and how long it plays. */
      arrivedAt?: number;
      seconds?: number;
    }
    const lines: Line[] = [];
    const isSpeech = (url: string) => new URL(url).pathname === '/api/v1/speech';
    page.on('request', (req) => {
      if (!isSpeech(req.url())) return;
      const query = new URL(req.url()).searchParams;
      lines.push({ lang: query.get('lang') ?? '', text: query.get('text') ?? '', askedAt: Date.now() });
    });
    page.on('response', async (res) => {
      if (!isSpeech(res.url())) return;
      const text = new URL(res.url()).searchParams.get('text');
      const line = lines.find((l) => l.text === text && l.seconds === undefined);
      const wav = await res.body();
      if (!line) return;
      line.arrivedAt = Date.now();
      // RIFF: bytes per second at offset 28; the samples follow a 44-byte header.
      line.seconds = (wav.length - 44) / wav.readUInt32LE(28);
    });
    await page.getByTestId('lang-nb').tap();
    await page.getByTestId('toggle-read-aloud').tap();
    expect(await htmlAttr('data-read-aloud')).toBe('on');
    await page.getByTestId('home-find').tap();
    await page.getByTestId('key-a').tap();
    expect((await tapCard(lab, DEMO_CARDS.resident7Byte)).granted).toBe(true);
    await until(
      () => lines.length === 4 && lines.every((l) => l.seconds !== undefined),
      'four spoken lines',
      20_000,
    );
    expect(lines.map((l) => [l.lang, l.text])).toEqual([
      ['nb', 'Opplesning er på.'],
      ['nb', 'Finn et navn. 7 navn i oversikten'],
      ['nb', 'a'],
      ['nb', 'Velkommen. Main entrance er åpen'],
    ]);
    // One at a time: each line is asked for only once the one before has played out.
    for (const [before, next] of lines.slice(0, -1).map((l, i) => [l, lines[i + 1]!] as const))
      expect(next.askedAt).toBeGreaterThanOrEqual(before.arrivedAt! + before.seconds! * 1000 - 100);
    // Off: silence, and nothing more is asked for.
    await page.getByTestId('directory-back').tap();
    await page.getByTestId('toggle-read-aloud').tap();
    await page.getByTestId('home-keypad').tap();
    await page.getByTestId('keypad-1').tap();
    // On again from the keypad's screen: the next line asked for is that, not the "1" typed while off.
    await page.getByTestId('keypad-back').tap();
    await page.getByTestId('toggle-read-aloud').tap();
    await until(() => lines.length === 5, 'the fifth line', 20_000);
    expect(lines.slice(4).map((l) => l.text)).toEqual(['Opplesning er på.']);
  }, 40_000);

  it('with the screen stream down the page polls the call; with the panel gone it says so; then back', async () => {
    const down = await browser.newContext({ viewport: { width: 800, height: 480 }, hasTouch: true });
    const polling = await down.newPage();
    down.setDefaultTimeout(8000);
    try {
      // The stream refused at the network, as while the panel restarts: the page polls instead.
      await polling.route('**/api/v1/screen/stream', (route) => route.abort());
      await polling.goto(`${lab.sim.panel}/panel/`);
      await polling.locator('body[data-ready="1"][data-stream="polling"]').waitFor();
      // A call started elsewhere (here by the API) reaches the screen by the poll.
      const { callId } = (await panelJson(lab.sim, `/api/v1/bells/${DEMO_BELLS.picture}/ring`, 'POST')) as {
        callId: string;
      };
      await screenIs(polling, 'call', '[data-view="ringing"]');
      await panelJson(lab.sim, `/api/v1/calls/${callId}/hangup`, 'POST');
      await screenIs(polling, 'call-ended', '[data-outcome="cancelled"]');
      // Nothing answers: the page says it is connecting.
      await polling.route('**/api/v1/**', (route) => route.abort());
      await polling.getByTestId('offline').waitFor();
      expect(await polling.getByTestId('offline').textContent()).toBe('Connecting to the panel…');
      // The panel back: the stream reopens (within its backoff) and the notice goes.
      await polling.unrouteAll();
      await polling.locator('body[data-stream="open"]').waitFor({ timeout: 15_000 });
      await polling.getByTestId('offline').waitFor({ state: 'hidden' });
    } finally {
      await endCall(lab);
      await down.close();
    }
  }, 40_000);

  it('walking away: home after the idle time, in the building’s defaults, the search forgotten; a call holds it', async () => {
    const idle = await openPanelPage(browser, lab, { width: 800, height: 480 }, { idleMs: 1500 });
    try {
      await idle.getByTestId('lang-sv').tap();
      await idle.getByTestId('toggle-large-text').tap();
      await idle.getByTestId('toggle-contrast').tap();
      await idle.getByTestId('home-find').tap();
      await idle.getByTestId('key-a').tap();
      await screenIs(idle, 'home');
      expect(await idle.locator('html').getAttribute('lang')).toBe(site.defaultLanguage);
      expect(await idle.locator('html').getAttribute('data-text')).toBe('normal');
      expect(await idle.locator('html').getAttribute('data-contrast')).toBe('normal');
      await idle.getByTestId('home-find').tap();
      expect(await idle.getByTestId('search').inputValue()).toBe('');
      // The number dialled is forgotten too.
      await idle.getByTestId('directory-switch').tap();
      await idle.getByTestId('keypad-1').tap();
      await screenIs(idle, 'home');
      await idle.getByTestId('home-keypad').tap();
      expect(await idle.getByTestId('keypad-display').textContent()).toBe('');
      // On the call screen the idle time does not count.
      await ringFromDirectory(idle, 'anna', DEMO_BELLS.picture);
      await screenIs(idle, 'call');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await idle.locator('body').getAttribute('data-screen')).toBe('call');
    } finally {
      await endCall(lab);
      await idle.context().close();
    }
  });

  it('nobody reachable: a bell whose resident has no app and no phone says so at once', async () => {
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${lab.sim.hub}${path}`, {
        method,
        headers: { authorization: `Bearer ${lab.sim.adminToken}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.ok, `${method} ${path}`).toBe(true);
    };
    const panelId = String((await panelJson(lab.sim, '/healthz'))['panelId']);
    await admin('POST', '/api/v1/residents', { id: 'r-ola', unitId: 'flat-4002', name: 'Ola Nordmann' });
    await admin('POST', '/api/v1/doorbells', {
      id: 'bell-ola',
      panelId,
      residentId: 'r-ola',
      type: 'separate',
      displayText: 'Ola Nordmann',
    });
    try {
      await resetPanelPage(page, lab);
      await page.getByTestId('home-find').tap();
      await page.getByTestId(row('bell-ola')).waitFor();
      await page.keyboard.type('ola');
      await page.getByTestId('ring-bell-ola').tap();
      await screenIs(page, 'call-ended', '[data-outcome="unreachable"]');
      expect(await text('ended-bell')).toBe('Ola Nordmann');
      expect(await text('ended-title')).toBe('Cannot be reached right now');
      expect(await panelJson(lab.sim, '/api/v1/call')).toMatchObject({ last: { outcome: 'no_app_device' } });
    } finally {
      await admin('DELETE', '/api/v1/doorbells/bell-ola');
      await admin('DELETE', '/api/v1/residents/r-ola');
    }
  });

  it('no script error on the page all along', () => {
    expect(pageErrors).toEqual([]);
  });
});
