/**
 * WebAdmin's navigation: the side menu, the URL (`#/<screen id>?<params>`), and the life of the screen
 * shown.
 *
 * ## Adding a screen (the contract)
 *
 * 1. Write ONE file under `admin/screens/`, e.g. `screens/doorbells.ts`, exporting a `Screen`:
 *
 *    ```ts
 *    export const doorbellsScreen: Screen = {
 *      id: 'doorbells',            // unique; the URL is #/doorbells
 *      title: 'Doorbells',         // side menu and page heading
 *      perBuilding: true,          // default true: shown for the building picked in the header
 *      operatorOnly: false,        // default false: true hides it from building administrators
 *      render: async (ctx) => h('section', {}, …),
 *    };
 *    ```
 *
 * 2. Add it to the ONE list `admin/screens/index.ts` (the menu shows screens in that order). Nothing else
 *    changes: no other screen, no shell code.
 *
 * `render(ctx)` builds the screen's element (sync or async; a thrown error is shown in its place, and a
 * 401 sends the user back to the login with a message). Everything a screen needs comes from `ctx`: the
 * typed API client (`ctx.api`, add a table to `ROWS` in api.ts for generic CRUD), who is logged in
 * (`ctx.me`), the picked building, URL parameters (`ctx.params`, set with `ctx.go(id, params)`), and timers
 * that stop when the user leaves (`ctx.every`). Screens never touch the shell's DOM or each other; they
 * link to one another only through `ctx.go`. Text goes in as text (dom.ts `h`), never as HTML; no inline
 * style or script (the CSP refuses both): classes from app.css.
 */
import type { AdminMe } from '../../../protocol/admin-api.ts';
import type { HubBuilding } from '../../../protocol/hub-entities.ts';
import { type AdminApi, ApiError } from './api.ts';
import { append, h, replace } from './dom.ts';
import { errorText } from './forms.ts';

export interface Screen {
  /** Unique; the URL fragment `#/<id>`. Letters, digits and "-". */
  id: string;
  /** The side menu's label and the page heading. */
  title: string;
  /** Shown for the building picked in the header (default true); false: a hub-wide screen. */
  perBuilding?: boolean;
  /** Only the hub operator sees it (default false). */
  operatorOnly?: boolean;
  render(ctx: ScreenContext): HTMLElement | Promise<HTMLElement>;
}

export interface ScreenContext {
  api: AdminApi;
  me: AdminMe;
  /** The building picked in the header: never null on a perBuilding screen. */
  building: HubBuilding | null;
  /** Every building this administrator may see. */
  buildings: readonly HubBuilding[];
  /** This screen's URL parameters (`#/cards?resident=r1` → { resident: 'r1' }). */
  params: Readonly<Record<string, string>>;
  /** Calls `fn` every `ms` while this screen is shown (live status); never overlapping itself. */
  every(ms: number, fn: () => Promise<void> | void): void;
  /** Runs `fn` when the user leaves the screen. */
  onLeave(fn: () => void): void;
  /** Whether this screen is still the one shown (async work checks it before touching the page). */
  isActive(): boolean;
  /** Shows a screen (the same one with other params re-renders it). */
  go(screenId: string, params?: Record<string, string>): void;
  /** Renders this screen again (after a change that alters what it lists). */
  refresh(): void;
  /** Reads the buildings again (after one was created or renamed), then renders this screen again. */
  reloadBuildings(): Promise<void>;
}

/** What the shell gives the navigator. */
export interface Shell {
  api: AdminApi;
  me: AdminMe;
  buildings(): readonly HubBuilding[];
  building(): HubBuilding | null;
  reloadBuildings(): Promise<void>;
}

/** The visible screens for this administrator, in menu order. */
export function visibleScreens(screens: readonly Screen[], me: AdminMe): Screen[] {
  return screens.filter((s) => !s.operatorOnly || me.role === 'operator');
}

function parseHash(hash: string): { id: string; params: Record<string, string> } {
  const raw = hash.replace(/^#\/?/, '');
  const [id = '', search = ''] = raw.split('?', 2);
  return { id, params: Object.fromEntries(new URLSearchParams(search)) };
}

export class Navigator {
  readonly #screens: readonly Screen[];
  readonly #shell: Shell;
  readonly #menu: HTMLElement;
  readonly #main: HTMLElement;
  #leave: (() => void)[] = [];
  #generation = 0;
  readonly #onHash = () => this.show();

  constructor(screens: readonly Screen[], shell: Shell, menu: HTMLElement, main: HTMLElement) {
    this.#screens = visibleScreens(screens, shell.me);
    this.#shell = shell;
    this.#menu = menu;
    this.#main = main;
  }

  start(): void {
    window.addEventListener('hashchange', this.#onHash);
    this.show();
  }

  stop(): void {
    window.removeEventListener('hashchange', this.#onHash);
    this.#cleanUp();
    this.#generation++;
  }

  go(id: string, params: Record<string, string> = {}): void {
    const search = new URLSearchParams(params).toString();
    const hash = `#/${id}${search ? `?${search}` : ''}`;
    if (location.hash === hash) this.show();
    else location.hash = hash;
  }

  /** Renders the screen the URL names (the first one when it names none this user may see). */
  show(): void {
    const shown = location.hash;
    const { id, params } = parseHash(shown);
    const screen = this.#screens.find((s) => s.id === id) ?? this.#screens[0];
    if (!screen) return;
    this.#cleanUp();
    const generation = ++this.#generation;
    this.#renderMenu(screen.id);
    const ctx = this.#context(params, generation);
    const heading = h('h1', { testid: 'screen-title' }, screen.title);
    const body = h('div', { class: 'screen-body' });
    replace(this.#main, heading, body);
    this.#main.dataset['screen'] = screen.id;
    // Which URL the body shows, once rendered: a filter applied is visible to scripts (and tests) only then.
    delete this.#main.dataset['shown'];
    if ((screen.perBuilding ?? true) && !ctx.building) {
      replace(body, h('p', { class: 'empty' }, 'No building yet: an operator creates one under Buildings.'));
      return;
    }
    void (async () => {
      try {
        const el = await screen.render(ctx);
        if (generation !== this.#generation) return;
        replace(body, el);
        this.#main.dataset['shown'] = shown;
      } catch (err) {
        if (generation !== this.#generation) return;
        // A 401 is the shell's (back to the login); anything else is shown where the screen would be.
        if (err instanceof ApiError && err.status === 401) return;
        replace(body, h('p', { class: 'result bad', role: 'alert', testid: 'screen-error' }, errorText(err)));
      }
    })();
  }

  #context(params: Record<string, string>, generation: number): ScreenContext {
    const active = () => generation === this.#generation;
    return {
      api: this.#shell.api,
      me: this.#shell.me,
      building: this.#shell.building(),
      buildings: this.#shell.buildings(),
      params,
      isActive: active,
      onLeave: (fn) => {
        if (active()) this.#leave.push(fn);
      },
      every: (ms, fn) => {
        if (!active()) return;
        let running = false;
        const timer = setInterval(() => {
          if (running || !active()) return;
          running = true;
          void Promise.resolve()
            .then(fn)
            .catch(() => {})
            .finally(() => {
              running = false;
            });
        }, ms);
        this.#leave.push(() => clearInterval(timer));
      },
      go: (id, p) => this.go(id, p),
      refresh: () => {
        if (active()) this.show();
      },
      reloadBuildings: async () => {
        await this.#shell.reloadBuildings();
        if (active()) this.show();
      },
    };
  }

  #renderMenu(currentId: string): void {
    const list = h('ul', {});
    for (const s of this.#screens) {
      const link = h('a', { href: `#/${s.id}`, testid: `nav-${s.id}` }, s.title);
      if (s.id === currentId) link.setAttribute('aria-current', 'page');
      append(list, h('li', {}, link));
    }
    replace(this.#menu, list);
  }

  #cleanUp(): void {
    for (const fn of this.#leave.splice(0)) {
      try {
        fn();
      } catch {}
    }
  }
}
