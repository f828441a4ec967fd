/**
 * WebAdmin: the building administrator's console in the browser, served by the hub at /admin/. Browser
 * code only (no framework): it talks to the hub's admin API with the administrator's session token and
 * shares types with the rest of portvakt only through cloud-sync/protocol/. The shell is the login, the
 * header (building picker, who is logged in, log out), the side menu and the screen area; the screens
 * themselves register in screens/index.ts (the contract is in nav.ts).
 */
import '../../../protocol/browser.ts';
import type { AdminMe } from '../../../protocol/admin-api.ts';
import type { HubBuilding } from '../../../protocol/hub-entities.ts';
import { AdminApi, ApiError } from './api.ts';
import { button, h, replace } from './dom.ts';
import { errorText, select } from './forms.ts';
import { IdleWatch } from './idle.ts';
import { Navigator } from './nav.ts';
import { SCREENS } from './screens/index.ts';
import { loginScreen } from './screens/login.ts';
import { clearToken, loadBuildingId, loadToken, saveBuildingId, saveToken } from './session.ts';

const IDLE = 'You were logged out after 30 minutes without activity.';
const EXPIRED =
  'Your session has ended (30 minutes without use, or 12 hours after logging in). Please log in again.';

class AdminApp {
  readonly #root: HTMLElement;
  #nav: Navigator | undefined;
  #api: AdminApi | undefined;
  #buildings: HubBuilding[] = [];
  #buildingId: string | null = null;
  readonly #idle = new IdleWatch(() => void this.#logout(IDLE));

  constructor(root: HTMLElement) {
    this.#root = root;
  }

  async boot(): Promise<void> {
    const token = loadToken();
    if (token) await this.#start(token);
    else this.#showLogin();
  }

  #showLogin(message?: string): void {
    document.body.dataset['view'] = 'login';
    replace(
      this.#root,
      loginScreen(message, (token, notice) => {
        saveToken(token);
        void this.#start(token, notice);
      }),
    );
  }

  async #start(token: string, notice?: string): Promise<void> {
    const api = new AdminApi(token, (err) => this.#expired(err));
    let me: AdminMe;
    try {
      me = await api.me();
      this.#api = api;
      await this.#loadBuildings();
    } catch (err) {
      this.#api = undefined;
      clearToken();
      // A 401 here is a session that ended while the tab was closed or asleep.
      this.#showLogin(err instanceof ApiError && err.status === 401 ? EXPIRED : errorText(err));
      return;
    }
    this.#showShell(api, me, notice);
  }

  async #loadBuildings(): Promise<void> {
    const api = this.#api;
    if (!api) return;
    this.#buildings = await api.list('buildings');
    const wanted = this.#buildingId ?? loadBuildingId();
    this.#buildingId = this.#buildings.find((b) => b.id === wanted)?.id ?? this.#buildings[0]?.id ?? null;
  }

  #showShell(api: AdminApi, me: AdminMe, notice?: string): void {
    document.body.dataset['view'] = 'shell';
    const picker = h('div', { class: 'picker' });
    const menu = h('nav', { class: 'sidenav', 'aria-label': 'Screens' });
    const main = h('main', { class: 'content', testid: 'screen' });
    const renderPicker = () => {
      const choose = select(
        'building',
        this.#buildings.map((b) => [b.id, b.name] as const),
        this.#buildingId ?? undefined,
        { testid: 'building-picker', 'aria-label': 'Building' },
      );
      choose.addEventListener('change', () => {
        this.#buildingId = choose.value;
        saveBuildingId(choose.value);
        this.#nav?.show();
      });
      replace(picker, this.#buildings.length ? choose : h('span', { class: 'muted' }, 'no building'));
    };
    renderPicker();
    const who = `${me.actor} · ${me.role === 'operator' ? 'hub operator' : 'building administrator'}`;
    const header = h(
      'header',
      { class: 'topbar' },
      h('span', { class: 'brand' }, 'portvakt WebAdmin'),
      picker,
      h('span', { class: 'who', testid: 'who' }, who),
      button('Log out', () => void this.#logout(), { testid: 'logout', class: 'quiet' }),
    );
    const banner = notice ? h('p', { class: 'banner', role: 'status', testid: 'banner' }, notice) : null;
    replace(this.#root, header, banner, h('div', { class: 'layout' }, menu, main));
    this.#nav?.stop();
    this.#nav = new Navigator(
      SCREENS,
      {
        api,
        me,
        buildings: () => this.#buildings,
        building: () => this.#buildings.find((b) => b.id === this.#buildingId) ?? null,
        reloadBuildings: async () => {
          await this.#loadBuildings();
          renderPicker();
        },
      },
      menu,
      main,
    );
    this.#nav.start();
    this.#idle.start();
  }

  #expired(_err: ApiError): void {
    if (!this.#api) return;
    // The URL stays: after logging in again the administrator is back on the same screen.
    this.#end();
    this.#showLogin(EXPIRED);
  }

  async #logout(message = 'You are logged out.'): Promise<void> {
    const api = this.#api;
    this.#end();
    history.replaceState(null, '', location.pathname);
    await api?.logout().catch(() => {});
    this.#showLogin(message);
  }

  #end(): void {
    this.#idle.stop();
    this.#nav?.stop();
    this.#nav = undefined;
    this.#api = undefined;
    clearToken();
  }
}

const root = document.getElementById('app');
if (root) void new AdminApp(root).boot();
