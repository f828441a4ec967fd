/**
 * What the resident screens share while a resident is at the panel: the tap they signed in with, the
 * session (token, when it ends, their settings), and how it ends — signed out at the panel, on idle,
 * when the panel's three minutes are up, or when the page goes home. Nothing of it outlives the visit.
 */
import type {
  ResidentPanelSettings,
  ResidentSessionReply,
} from '../../../cloud-sync/protocol/resident-panel.ts';
import { wallNow } from '../clock.ts';
import type { PanelContext } from '../screens/context.ts';
import { residentApi } from './resident-api.ts';

export class ResidentFlow {
  readonly #ctx: PanelContext;
  /** The tap the resident made on the tap screen (its id signs in once, within a minute). */
  tapId: string | undefined;
  #token: string | undefined;
  #settings: ResidentPanelSettings | undefined;
  #cancelExpiry: (() => void) | undefined;
  /** A message the tap screen shows when the flow starts over (the session ended, a stale tap). */
  notice: string | undefined;

  constructor(ctx: PanelContext) {
    this.#ctx = ctx;
  }

  get token(): string | undefined {
    return this.#token;
  }

  get settings(): ResidentPanelSettings | undefined {
    return this.#settings;
  }

  started(reply: ResidentSessionReply): void {
    this.#token = reply.token;
    this.#settings = reply.resident;
    this.tapId = undefined;
    this.#cancelExpiry?.();
    // The panel ends the session at expiresAt; the page goes home then instead of waiting for a refusal.
    const leftMs = Math.max(0, reply.expiresAt - wallNow());
    this.#cancelExpiry = this.#ctx.clock.after(leftMs, () => {
      if (!this.#token) return;
      this.end();
      if (this.#ctx.screens.current?.name.startsWith('resident-')) this.#ctx.screens.show('home');
    });
  }

  /** Ends the visit: signs out at the panel (if signed in) and forgets everything. */
  end(): void {
    const token = this.#token;
    this.#token = undefined;
    this.#settings = undefined;
    this.tapId = undefined;
    this.#cancelExpiry?.();
    this.#cancelExpiry = undefined;
    if (token) void residentApi.signOut(token).catch(() => undefined);
  }
}
