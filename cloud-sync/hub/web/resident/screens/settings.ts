/**
 * The settings screen: the resident's profile, doorbell, the PIN for the door panel, their unit's
 * doorbell (owners only), cards and app devices, each its own section.
 */
import type { ResidentApi } from '../api.ts';
import { h } from '../dom.ts';
import type { RingtonePlayer } from '../ringtone.ts';
import { cardsSection } from './settings/cards-section.ts';
import { devicesSection } from './settings/devices-section.ts';
import { doorbellSection } from './settings/doorbell-section.ts';
import { panelPinSection } from './settings/panel-pin-section.ts';
import { profileSection } from './settings/profile-section.ts';
import { unitSection } from './settings/unit-section.ts';

export class SettingsScreen {
  readonly el: HTMLElement;
  readonly #sections: { refresh(): Promise<void> }[];

  constructor(api: ResidentApi, ringtone: RingtonePlayer, actions: { back(): void; loggedOut(): void }) {
    const sections = [
      profileSection(api),
      doorbellSection(api, ringtone),
      panelPinSection(api),
      unitSection(api),
      cardsSection(api),
      devicesSection(api, actions.loggedOut),
    ];
    this.#sections = sections;
    this.el = h(
      'main',
      { class: 'screen settings', testid: 'settings' },
      h(
        'header',
        {},
        h('h1', {}, 'Settings'),
        h('button', { type: 'button', testid: 'settings-back', onclick: actions.back }, 'Back'),
      ),
      ...sections.map((s) => s.el),
    );
  }

  refresh(): Promise<void> {
    return Promise.all(this.#sections.map((s) => s.refresh())).then(() => {});
  }
}
