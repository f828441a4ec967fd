/**
 * What every screen gets from the page (../main.ts builds it once): the panel's state, the host that
 * shows screens, the visitor's choices, read-aloud, the call control, the page's clock and timings.
 * Resident screens (../resident/) take the same context.
 */
import type { CallControl } from '../call-control.ts';
import type { PageClock } from '../clock.ts';
import type { Catalogue } from '../i18n/catalogue.ts';
import type { PageTimings } from '../page-timings.ts';
import type { PanelState } from '../panel-state.ts';
import type { Speech } from '../speech.ts';
import type { VisitorChoices } from '../visitor-choices.ts';
import type { ScreenHost } from './host.ts';

export interface PanelContext {
  readonly state: PanelState;
  readonly screens: ScreenHost;
  readonly choices: VisitorChoices;
  readonly speech: Speech;
  readonly calls: CallControl;
  readonly clock: PageClock;
  readonly timings: PageTimings;
  /** The catalogue of the language on screen now. */
  t(): Catalogue;
  /**
   * The home screen's service corner: small, low-key entrances that are not the visitor's (the
   * resident's sign-in, the installer page's link). Whoever owns them appends a button or link here.
   */
  readonly homeSlot: HTMLElement;
}
