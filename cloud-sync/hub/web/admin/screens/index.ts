/**
 * THE list of WebAdmin's screens, in menu order. A new screen is one file under screens/ plus one line
 * here; the contract (what a screen exports, what its context offers) is at the top of ../nav.ts.
 */
import type { Screen } from '../nav.ts';
import { accessScreen } from './access.ts';
import { accountsScreen } from './accounts.ts';
import { buildingsScreen } from './buildings.ts';
import { cardsScreen } from './cards.ts';
import { changesScreen } from './changes.ts';
import { directoryScreen } from './directory.ts';
import { doorbellsScreen } from './doorbells.ts';
import { eventsScreen } from './events.ts';
import { importScreen } from './import.ts';
import { inviteScreen } from './invite.ts';
import { ownersScreen } from './owners.ts';
import { pairPanelScreen } from './pair-panel.ts';
import { panelsScreen } from './panels.ts';
import { residentsScreen } from './residents.ts';

export const SCREENS: readonly Screen[] = [
  panelsScreen,
  pairPanelScreen,
  residentsScreen,
  cardsScreen,
  inviteScreen,
  ownersScreen,
  doorbellsScreen,
  directoryScreen,
  accessScreen,
  eventsScreen,
  importScreen,
  buildingsScreen,
  changesScreen,
  accountsScreen,
];
