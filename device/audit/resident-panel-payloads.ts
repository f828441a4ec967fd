/**
 * The audit events of residents' sign-ins at the panel (device/resident-panel/), part of the payload map
 * (payloads.ts). A PIN never appears in any of them; card UIDs neither (the card's id only).
 */
import type { PanelSettingsChangedData } from '../../cloud-sync/protocol/resident-panel.ts';

/** Why a sign-in was refused: no recent tap by that id, a card that may not sign in, no PIN set, … */
export type SignInRefusal = 'unknown_tap' | 'card_not_usable' | 'no_pin' | 'backoff' | 'wrong_pin';

export type ResidentPanelPayloads = {
  /** A resident tapped their card and gave their PIN: a session at the panel began. */
  'resident.panel_signed_in': { residentId: string; cardId: string };
  /** A sign-in refused (attempts beyond the panel's global bound are only logged). */
  'resident.panel_sign_in_refused': {
    reason: SignInRefusal;
    residentId?: string | undefined;
    /** wrong_pin: wrong PINs in a row so far; backoff: how long the resident still waits. */
    failures?: number | undefined;
    retryAfterS?: number | undefined;
  };
  /** A change the signed-in resident made: the hub applies it (exactly once, by this event's id). */
  'resident.panel_settings_changed': PanelSettingsChangedData;
};
