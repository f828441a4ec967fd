/** What the installer page's parts share: the API client, the texts in the chosen language, navigation. */
import type { PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';
import { CATALOGUES } from '../i18n/index.ts';
import type { InstallerApi } from './api.ts';

export type InstallerTexts = (typeof CATALOGUES)['en']['installer'];

export interface InstallerContext {
  api: InstallerApi;
  lang(): PanelLanguage;
  t(): InstallerTexts;
  setLanguage(lang: PanelLanguage): void;
  /** The PIN screen, with a message (the session ended, the panel was reset …). */
  showPin(message?: string): void;
  showConsole(): void;
}

export function textsOf(lang: PanelLanguage): InstallerTexts {
  return CATALOGUES[lang].installer;
}
