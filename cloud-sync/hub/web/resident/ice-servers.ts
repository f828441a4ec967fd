/**
 * The STUN/TURN servers this device's calls use, from the hub (GET /api/v1/resident/ice-servers). The
 * TURN credentials expire (the hub signs them for `ttlS`), so they are fetched at login and again at
 * half their lifetime: a ring finds them ready and never waits for an HTTP round trip. Without them (hub
 * unreachable, no TURN configured) calls still work wherever the panel can be reached directly.
 */
import type { IceServersReply } from '../../../protocol/ice.ts';

const RETRY_MS = 30_000;
/** Refresh at least this often even when the hub gives no expiry (it may gain TURN settings). */
const MAX_REFRESH_MS = 30 * 60_000;

export class IceServers {
  readonly #api: { iceServers(): Promise<IceServersReply> };
  #servers: RTCIceServer[] = [];
  #expiresAt: number | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(api: { iceServers(): Promise<IceServersReply> }) {
    this.#api = api;
  }

  start(): void {
    void this.#refresh();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** The servers to use now; expired TURN credentials are left out (they would only fail). */
  current(): RTCIceServer[] {
    if (this.#expiresAt !== null && Date.now() >= this.#expiresAt)
      return this.#servers.filter((s) => s.credential === undefined);
    return this.#servers;
  }

  async #refresh(): Promise<void> {
    let next = RETRY_MS;
    try {
      const reply = await this.#api.iceServers();
      this.#servers = reply.iceServers;
      this.#expiresAt = reply.expiresAt;
      next =
        reply.expiresAt === null ? MAX_REFRESH_MS : Math.max(RETRY_MS, (reply.expiresAt - Date.now()) / 2);
      next = Math.min(next, MAX_REFRESH_MS);
    } catch (err) {
      console.warn('portvakt: could not fetch the ICE servers; trying again', err);
    }
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#refresh(), next);
  }
}
