/** The home screen: who is logged in, the broker connection, the doors and the call log. */
import type { ResidentProfile } from '../../../../protocol/resident-api.ts';
import type { ResidentApi } from '../api.ts';
import { h } from '../dom.ts';
import { callLogSection } from './call-log.ts';
import { doorsSection } from './doors.ts';

export class HomeScreen {
  readonly el: HTMLElement;
  readonly #connection = h('p', {
    class: 'connection',
    testid: 'connection',
    role: 'status',
    'aria-live': 'polite',
  });
  readonly #doors;
  readonly #calls;

  constructor(
    api: ResidentApi,
    profile: ResidentProfile,
    callsEnabled: boolean,
    actions: { logout(): void; settings(): void },
  ) {
    this.#doors = doorsSection(api);
    this.#calls = callLogSection(api);
    this.el = h(
      'main',
      { class: 'screen home', testid: 'home' },
      h(
        'header',
        {},
        h('h1', {}, `Hello, ${profile.name}`),
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', testid: 'open-settings', onclick: actions.settings }, 'Settings'),
          h('button', { type: 'button', testid: 'logout', onclick: actions.logout }, 'Log out'),
        ),
      ),
      this.#connection,
      this.#doors.el,
      this.#calls.el,
    );
    this.setConnected(false, callsEnabled);
  }

  setConnected(connected: boolean, callsEnabled = true): void {
    this.#connection.dataset['connected'] = String(connected);
    this.#connection.textContent = !callsEnabled
      ? 'Calls are not available (the hub has no broker address for apps).'
      : connected
        ? 'Ready for calls'
        : 'Connecting for calls…';
  }

  refresh(): Promise<void> {
    return Promise.all([this.#doors.refresh(), this.#calls.refresh()]).then(() => {});
  }

  refreshCalls(): Promise<void> {
    return this.#calls.refresh();
  }
}
