/**
 * What the local API needs from the panel. The composition root implements it; the API never reaches
 * into modules directly, which keeps the HTTP layer testable and the modules unaware of HTTP.
 */
import type { CardFeedback, PanelHealth } from '../../cloud-sync/protocol/panel-api.ts';
import type { AuditEvent } from '../audit/types.ts';
import type { DoorStateView } from '../door/door-state.ts';
import type { InstallerMode } from '../installer/installer-mode.ts';
import type { IntercomApi } from '../intercom/intercom-api.ts';
import type { PairingView } from '../pairing/pairing-module.ts';
import type { SimControls } from '../sim/sim-controls.ts';
import type { SpeechApi } from '../speech/speech-service.ts';
import type { RecentTapLookup } from '../taps/recent-taps.ts';

export interface ApiContext {
  health(): PanelHealth;
  doors(): DoorStateView[];
  events(afterSeq: number, limit: number): AuditEvent[];
  /** Records the positive decision, then pulses the door. Throws NotFoundError for an unknown door. */
  unlockDoor(doorId: string, requestedBy: string, pulseMs?: number): { seq: number; pulseMs: number };
  installerToken: string | undefined;
  /** Reads the audit log (the installer token does too); unset with no installer token: nobody can. */
  readToken?: string | undefined;
  sim: SimControls | undefined;
  intercom?: IntercomApi | undefined;
  /** Pairing with the hub as the screen shows it (device/pairing/); unset: no pairing routes. */
  pairing?: PairingView | undefined;
  /** Installer mode (PIN sessions, self-test, logs, factory reset); absent in API-only tests. */
  installer?: InstallerMode | undefined;
  /**
   * Tells `listener` after each config the panel applied (its directory may have changed: the panel
   * page's live directory); returns the unsubscribe. Unset: the page's periodic refresh only.
   */
  onConfigApplied?: ((listener: () => void) => () => void) | undefined;
  /** Each card tap's decision as the screen shows it (the screen stream's `card` events). */
  onCardFeedback?: ((listener: (feedback: CardFeedback) => void) => () => void) | undefined;
  /** Whose granted tap a tapId (from a `card` event) was, for the first minute: the resident sign-in. */
  recentTaps?: RecentTapLookup | undefined;
  /** Spoken status (espeak-ng): `GET /api/v1/speech`. */
  speech?: SpeechApi | undefined;
}
