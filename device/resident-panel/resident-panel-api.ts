/**
 * What the local API (device/api/routes/resident-session-routes.ts) calls for a resident's doorbell
 * settings at the panel; ResidentPanel implements it. The API layer only parses requests and passes the
 * bearer token on.
 */
import type {
  ResidentPanelSettings,
  ResidentSessionReply,
  ResidentSettingsPatch,
  ResidentSettingsSent,
  ResidentSignInBody,
} from '../../cloud-sync/protocol/resident-panel.ts';

export interface ResidentPanelApi {
  /**
   * A card tap (its tapId from the screen stream) and the resident's PIN: a session. Refusals: 404 no
   * tap by that id in the last minute, 403 a card that may not sign in, 409 `no_pin`, 401 wrong PIN,
   * 429 backing off (Retry-After) or the panel's bound on attempts.
   */
  signIn(body: ResidentSignInBody): Promise<ResidentSessionReply>;
  /** The signed-in resident's settings as this panel has them now (401 without a running session). */
  settings(token: string): { expiresAt: number; resident: ResidentPanelSettings };
  /** Sends a change to the hub through the outbox (409 `hub_unreachable` while the hub cannot be reached). */
  change(token: string, patch: ResidentSettingsPatch): ResidentSettingsSent;
  signOut(token: string): void;
}
