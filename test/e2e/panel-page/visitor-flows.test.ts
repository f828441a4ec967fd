/**
 * The visitor's panel page, driven as visitors drive it — by touch (a touch screen context, taps) and by
 * keyboard — in Chromium against the simulator (`npm start`): finding a name (by name, company, flat,
 * without accents), the on-screen letters, the keypad, ringing and cancelling, the phone fallback's
 * states with the door the resident opened, card feedback over any screen, languages, large text and
 * high contrast, and the return home when the visitor walks away. One simulator for the file; the
 * phone-only resident's phone is the lab's scripted phone (scripts/sim/panel-page.ts).
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from '../../../device/sim/demo-building.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import {
  DEMO_BELLS,
  endCall,
  openPanelPage,
  type PanelLab,
  resetPanelPage,
  ringFromDirectory,
  screenIs,
  startPanelLab,
  tapCard,
  unitNumberOf,
} from '../../../scripts/sim/panel-page.ts';
import { panelJson } from '../../../scripts/sim/simulator.ts';

describe('the visitor at the panel page', () => {
  let lab: PanelLab;
  let browser: Browser;
  /** 800×480 landscape, touch, a short outcome screen. */
  let page: Page;
  let site: { buildingName: string; entranceName: string; defaultLanguage: string };
  /** Script errors of the main page over the whole file (the last test expects none). */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    lab = await startPanelLab();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await openPanelPage(browser, lab, { width: 800, height: 480 }, { outcomeMs: 1500 });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    site = (await panelJson(lab.sim, '/api/v1/directory'))['site'] as typeof site;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  const text = async (testid: string) => (await page.getByTestId(testid).textContent())?.trim() ?? '';
  const rows = (list = 'directory') =>
    page.locator(`[data-testid="${list}"] > li`).evaluateAll((els) => els.map((e) => e.dataset['testid']));
  const focusedTestId = () =>
    page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { dataset: Record<string, string> } | null } })
          .document.activeElement?.dataset['testid'],
    );
  /** A bell's row in the directory (test id `bell-<bellId>`, the benchmarks' contract). */
  const row = (bellId: string) => `bell-${bellId}`;
  const htmlAttr = (name: string) => page.locator('html').getAttribute(name);

  it("home: the building and entrance, the two ways in, in the building's language", async () => {
    await resetPanelPage(page, lab);
    expect(await text('building-name')).toBe(site.buildingName);
    expect(await text('entrance-name')).toBe(site.entranceName);
    expect(await htmlAttr('lang')).toBe(site.defaultLanguage);
    expect(await page.getByTestId('home-find').isVisible()).toBe(true);
    expect(await page.getByTestId('home-keypad').isVisible()).toBe(true);
    // The screen's heading has the focus: a screen reader starts there.
    expect(await focusedTestId()).toBe('building-name');
    // The installer's page is one small link away, and there.
    const service = page.getByTestId('installer-link');
    expect(await service.getAttribute('href')).toBe('/panel/installer.html');
    expect((await fetch(`${lab.sim.panel}/panel/installer.html`)).status).toBe(200);
  });

  it('search by keyboard: by name, company, flat and without accents; no match points to the keypad', async () => {
    await resetPanelPage(page, lab);
    await page.getByTestId('home-find').tap();
    await screenIs(page, 'directory');
    expect(await focusedTestId()).toBe('directory-title');
    const search = async (query: string) => {
      await page.getByTestId('search').fill('');
      await page.keyboard.type(query);
      expect(await page.getByTestId('search').inputValue()).toBe(query);
      return rows();
    };
    // Typed with the focus on the title: the keys reach the search field.
    await page.getByTestId('directory-title').focus();
    expect(await search('anna')).toEqual([row(DEMO_BELLS.picture)]);
    expect(await search('design')).toEqual([row(DEMO_BELLS.business)]);
    expect(await search('nystrom')).toEqual([row('bell-flat-2002')]);
    expect(await search('flat 3001')).toEqual([row('bell-flat-3001')]);
    expect(await search('4001')).toEqual([row(DEMO_BELLS.business)]);
    // A family is found by a member's first name (memberNames: for search, never listed).
    expect(await search('lars')).toEqual([row('bell-flat-3002')]);
    expect(await page.getByTestId(row('bell-flat-3002')).textContent()).not.toContain('Lars');
    // Every word typed starts a word of the bell.
    expect(await search('er be')).toEqual([row('bell-erik')]);
    expect(await search('xqz')).toEqual([]);
    expect(await text('directory-no-match')).toContain('xqz');
    await page.getByTestId('no-match-keypad').tap();
    await screenIs(page, 'keypad');
  });

  it('search by touch: the on-screen letters, space and delete', async () => {
    await resetPanelPage(page, lab);
    await page.getByTestId('home-find').tap();
    const all = await rows();
    expect(all.length).toBeGreaterThan(5);
    for (const key of ['e', 'r', 'i']) await page.getByTestId(`key-${key}`).tap();
    expect(await page.getByTestId('search').inputValue()).toBe('eri');
    expect(await rows()).toEqual([row('bell-erik')]);
    await page.getByTestId('key-delete').tap();
    await page.getByTestId('key-delete').tap();
    await page.getByTestId('key-space').tap();
    expect(await page.getByTestId('search').inputValue()).toBe('e ');
    await page.getByTestId('search-clear').tap();
    expect(await rows()).toEqual(all);
    // Each key is at least 48 × 48 px.
    const sizes = await page
      .locator('[data-testid="letters"] button')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect()));
    for (const box of sizes) expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(48);
  });

  it("keypad: a flat's number shows its bell at once; a number no flat has says so at once", async () => {
    await resetPanelPage(page, lab);
    await page.getByTestId('home-keypad').tap();
    await screenIs(page, 'keypad');
    const flat = await unitNumberOf(lab, 'bell-erik');
    for (const digit of flat) await page.getByTestId(`keypad-${digit}`).tap();
    expect(await text('keypad-display')).toBe(flat);
    expect(await rows('keypad-results')).toEqual(['keypad-bell-bell-erik']);
    expect(await text('keypad-message')).toContain('Erik Berg');
    // A flat with two bells (the family's, and one resident's own): the visitor chooses.
    await page.getByTestId('keypad-clear').tap();
    for (const digit of await unitNumberOf(lab, DEMO_BELLS.phone))
      await page.getByTestId(`keypad-${digit}`).tap();
    expect(await rows('keypad-results')).toEqual(['keypad-bell-bell-flat-3002', 'keypad-bell-bell-johan']);
    expect(await text('keypad-message')).toContain('choose');
    // A real keyboard dials too; a digit no flat continues with says so without waiting for more.
    await page.getByTestId('keypad-clear').tap();
    await page.keyboard.press('9');
    await page.keyboard.press('9');
    await page.locator('.keypad-screen[data-state="no-match"]').waitFor();
    expect(await text('keypad-message')).toContain('99');
    expect(await rows('keypad-results')).toEqual([]);
    await page.keyboard.press('Backspace');
    expect(await text('keypad-display')).toBe('9');
  });

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

  it('languages: every text and <html lang> follow; the letters are the language’s own', async () => {
    await resetPanelPage(page, lab);
    const letters = () =>
      page.locator('[data-testid^="key-"]').evaluateAll((els) => els.map((e) => e.dataset['testid']));
    await page.getByTestId('lang-nb').tap();
    expect(await htmlAttr('lang')).toBe('nb');
    expect(await page.getByTestId('lang-nb').getAttribute('aria-pressed')).toBe('true');
    expect(await text('home-find')).toContain('Finn et navn');
    await page.getByTestId('home-find').tap();
    expect(await text('directory-title')).toBe('Finn et navn');
    expect(await text('directory-count')).toMatch(/^\d+ navn i oversikten$/);
    expect(await letters()).toEqual(expect.arrayContaining(['key-æ', 'key-ø', 'key-å']));
    expect(await letters()).not.toContain('key-ä');
    // Switched again on the way (the home screen's buttons), Swedish.
    await page.getByTestId('directory-back').tap();
    await page.getByTestId('lang-sv').tap();
    expect(await htmlAttr('lang')).toBe('sv');
    await page.getByTestId('home-keypad').tap();
    expect(await text('keypad-title')).toBe('Slå lägenhetsnummer');
    await page.getByTestId('keypad-switch').tap();
    expect(await letters()).toEqual(expect.arrayContaining(['key-å', 'key-ä', 'key-ö']));
    expect(await letters()).not.toContain('key-ø');
    // Card feedback speaks the visitor's language too (a card not tapped before: a repeat within the
    // panel's window changes nothing on the screen).
    await tapCard(lab, '0BADBEEF');
    await page.locator('[data-testid="card-feedback"][data-result="denied"]').waitFor();
    expect(await text('card-title')).toBe('Kortet godtogs inte');
  });

  it('large text and high contrast: toggled on home, the whole page follows', async () => {
    await resetPanelPage(page, lab);
    const style = (selector: string) =>
      page.locator(selector).evaluate((el) => {
        const { fontSize, backgroundColor, color } = el.ownerDocument.defaultView!.getComputedStyle(el);
        return { fontSize: Number.parseFloat(fontSize), backgroundColor, color };
      });
    const rootPx = async () => (await style('html')).fontSize;
    const normal = await rootPx();
    await page.getByTestId('toggle-large-text').tap();
    expect(await htmlAttr('data-text')).toBe('large');
    expect(await page.getByTestId('toggle-large-text').getAttribute('aria-pressed')).toBe('true');
    expect(await rootPx()).toBeGreaterThanOrEqual(normal * 1.25);
    await page.getByTestId('toggle-contrast').tap();
    expect(await htmlAttr('data-contrast')).toBe('high');
    expect(await style('body')).toMatchObject({
      backgroundColor: 'rgb(0, 0, 0)',
      color: 'rgb(255, 255, 255)',
    });
    // The keypad is still whole at 800×480 in large text: its last row on screen.
    await page.getByTestId('home-keypad').tap();
    const zero = await page.getByTestId('keypad-0').boundingBox();
    expect(zero!.y + zero!.height).toBeLessThanOrEqual(480);
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

  it('the page is small: no validator or other server code in its bundle', async () => {
    const bundle = await (await fetch(`${lab.sim.panel}/panel/main.js`)).text();
    expect(bundle.length).toBeLessThan(80_000);
    expect(bundle).not.toMatch(/ZodError|zod/);
  });

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
