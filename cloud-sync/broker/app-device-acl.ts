/**
 * Which panels a resident's app device may write calls to: only those of its resident's buildings. The
 * hub knows (resident → buildings → panels); the embedded broker asks it through the `appDeviceAcl` port
 * (the hub's HTTP ACL endpoint, as for logins) and keeps each answer briefly, so a call's burst of
 * signaling messages costs one question. The local rule (call-acl.ts: only `…/calls/from/<itself>`) is
 * checked first and never cached away. A hub that does not answer means "no" (not cached).
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { appDeviceMayAccess, type BrokerAccess } from '../protocol/call-acl.ts';

export type AppDeviceAclPort = (appDeviceId: string, topic: string, access: BrokerAccess) => Promise<boolean>;

/** Long enough to cover a call; short enough that a resident moved out loses the panel soon. */
export const APP_DEVICE_ACL_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

export class AppDeviceAclCache {
  readonly #port: AppDeviceAclPort | undefined;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #answers = new Map<string, { allowed: boolean; at: number }>();

  constructor(port: AppDeviceAclPort | undefined, clock: Clock, ttlMs = APP_DEVICE_ACL_TTL_MS) {
    this.#port = port;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  async mayAccess(appDeviceId: string, topic: string, access: BrokerAccess): Promise<boolean> {
    if (!appDeviceMayAccess(appDeviceId, topic, access)) return false;
    // Reading its own calls needs no hub: a panel only writes to devices it rings. Writing does.
    if (access !== 'write' || !this.#port) return true;
    const key = `${appDeviceId}\n${topic}`;
    const now = this.#clock.monotonic();
    const cached = this.#answers.get(key);
    if (cached && now - cached.at < this.#ttlMs) return cached.allowed;
    let allowed: boolean;
    try {
      allowed = await this.#port(appDeviceId, topic, access);
    } catch {
      return false;
    }
    if (this.#answers.size >= MAX_ENTRIES) this.#answers.clear();
    this.#answers.set(key, { allowed, at: now });
    return allowed;
  }

  /** Drops what is known about these devices (revoked: nothing cached may outlive them). */
  forget(appDeviceIds: readonly string[]): void {
    const ids = new Set(appDeviceIds);
    for (const key of this.#answers.keys())
      if (ids.has(key.slice(0, key.indexOf('\n')))) this.#answers.delete(key);
  }
}
