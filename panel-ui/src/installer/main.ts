/**
 * The installer page (panel-ui/installer.html): installer mode on the panel's screen. The PIN screen,
 * then the console; body[data-screen] names which, body[data-ready] is set once it can be used. The
 * session's token lives in this page's memory only: a reload asks for the PIN again.
 */
import type { PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';
import { InstallerApi } from './api.ts';
import { consoleScreen } from './console.ts';
import { type InstallerContext, textsOf } from './context.ts';
import { pinScreen } from './pin-screen.ts';

const root = document.getElementById('installer')!;
const api = new InstallerApi();
let lang: PanelLanguage = 'en';
let screen: 'pin' | 'installer' = 'pin';
let leaveScreen: () => void = () => {};

const ctx: InstallerContext = {
  api,
  lang: () => lang,
  t: () => textsOf(lang),
  setLanguage: (next) => {
    lang = next;
    document.documentElement.lang = next;
    if (screen === 'pin') ctx.showPin();
    else ctx.showConsole();
  },
  showPin: (message) => show('pin', () => pinScreen(ctx, root, message)),
  showConsole: () => show('installer', () => consoleScreen(ctx, root)),
};

function show(name: 'pin' | 'installer', render: () => () => void): void {
  leaveScreen();
  screen = name;
  delete document.body.dataset['ready'];
  document.body.dataset['screen'] = name;
  leaveScreen = render();
}

api.onSessionLost = () => ctx.showPin(ctx.t().pin.ended);
ctx.showPin();
