/**
 * Every language's catalogue, by the protocol's language code. A screen reads its texts through the
 * current catalogue (`t.visitor.home.findName`), never from a literal, so switching language re-renders
 * every word.
 */
import type { PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';
import type { Catalogue } from './catalogue.ts';
import { en } from './en/index.ts';
import { nb } from './nb/index.ts';
import { sv } from './sv/index.ts';

export type { Catalogue } from './catalogue.ts';

export const CATALOGUES: Readonly<Record<PanelLanguage, Catalogue>> = { nb, en, sv };

/** The order of the language buttons (the building's default is marked, not moved). */
export const LANGUAGE_ORDER: readonly PanelLanguage[] = ['nb', 'sv', 'en'];
