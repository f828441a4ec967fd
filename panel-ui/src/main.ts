/**
 * The visitor's page on the panel's touchscreen (the composition root of panel-ui/): builds the
 * context every screen shares, adds the screens to the host, follows the panel's screen stream, and
 * wires the idle timer, the visitor's choices and the card feedback. Works from the panel alone: the
 * directory is the panel's own replica, so the cloud being down changes nothing here.
 *
 * Adding a screen: a module in screens/ (visitor) or resident/ (resident) that returns a Screen
 * (screens/screen.ts), added below with `screens.add(...)`; shown with `ctx.screens.show(name)`.
 */
import { CallControl } from './call-control.ts';
import { CardFeedbackView } from './card-feedback.ts';
import { pageClock } from './clock.ts';
import { h } from './dom.ts';
import { CATALOGUES } from './i18n/index.ts';
import { pageTimings } from './page-timings.ts';
import { PanelState } from './panel-state.ts';
import { ScreenStream } from './screen-stream.ts';
import { callScreen } from './screens/call.ts';
import { callEndedScreen } from './screens/call-ended.ts';
import type { PanelContext } from './screens/context.ts';
import { directoryScreen } from './screens/directory.ts';
import { homeScreen } from './screens/home.ts';
import { ScreenHost } from './screens/host.ts';
import { IdleTimer } from './screens/idle-timer.ts';
import { keypadScreen } from './screens/keypad.ts';
import { unlockAudioOnTouch } from './sounds.ts';
import { Speech } from './speech.ts';
import { VisitorChoices } from './visitor-choices.ts';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const timings = pageTimings(location.search);
const state = new PanelState();
const screens = new ScreenHost(byId('screens'));
// English until the panel names the building's language (the first directory, a moment after load).
const choices = new VisitorChoices({
  language: 'en',
  largeText: false,
  highContrast: false,
  readAloud: false,
});
const t = () => CATALOGUES[choices.current.language];
const speech = new Speech(
  () => choices.current.readAloud,
  () => choices.current.language,
);
const ctx: PanelContext = {
  state,
  screens,
  choices,
  speech,
  calls: new CallControl(state, (name) => screens.show(name)),
  clock: pageClock,
  timings,
  t,
  homeSlot: h('div', { 'data-slot': 'home-service' }),
};

screens.add(homeScreen(ctx));
screens.add(directoryScreen(ctx));
screens.add(keypadScreen(ctx));
screens.add(callScreen(ctx));
screens.add(callEndedScreen(ctx));
// Resident screens (panel-ui/src/resident/) are added here, with their entrance in ctx.homeSlot.

const cardFeedback = new CardFeedbackView({
  clock: pageClock,
  showMs: timings.cardMs,
  t,
  lang: () => choices.current.language,
  speech,
});
document.body.append(cardFeedback.element);
state.card.on((feedback) => cardFeedback.show(feedback));

const idle = new IdleTimer(pageClock, timings.idleMs, () => {
  screens.resetAll();
  choices.reset();
  speech.stop();
  if (screens.current?.name !== 'home') screens.show('home');
});
screens.changed.on((screen) => {
  idle.hold(screen.holdsIdle === true);
  const line = screen.spoken?.();
  if (line) speech.say(line, 'screen');
});

choices.changed.on(({ now, before }) => {
  if (now.language !== before.language) {
    speech.stop();
    screens.translate(t(), now.language);
  }
  if (now.readAloud && !before.readAloud) speech.say(t().visitor.home.readAloudOn, 'screen');
  if (!now.readAloud) speech.stop();
});

const offline = byId('offline');
const status = new ScreenStream(state, pageClock, (up) => {
  offline.hidden = up;
  offline.textContent = up ? '' : t().visitor.status.reconnecting;
});

state.directoryChanged.on((directory) => {
  choices.setDefaultLanguage(directory.site.defaultLanguage);
  if (document.body.dataset['ready'] !== '1') {
    document.title = directory.site.buildingName;
    document.body.dataset['ready'] = '1';
  }
});

document.body.dataset['callPhase'] = 'idle';
choices.applyNow();
screens.translate(t(), choices.current.language);
screens.show('home');
idle.start(document);
unlockAudioOnTouch(document);
status.start();
