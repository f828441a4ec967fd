/**
 * The first thing a call signaling message meets on the panel: token buckets per app device and for the
 * whole panel, on the injectable Clock. Any resident's app login can publish on a panel's call topic, so
 * this runs before the message is parsed, audited or answered: a message over either budget costs the
 * panel a map lookup and a counter, nothing else.
 *
 * Per app device, so one noisy login cannot use up its neighbours' share; per panel, so many logins (or
 * a broker that lets anyone through) cannot add up to more than the panel is willing to handle.
 */

import type { Clock } from '../../lib/clock/clock.ts';
import { TokenBucket } from '../../lib/token-bucket.ts';
import type { CallLimitsConfig } from '../config/schema.ts';

export type IntakeVerdict = 'admitted' | 'device_rate_limited' | 'panel_rate_limited';

/** Buckets kept at most; an app device beyond that reuses the slot of the least recently seen one. */
const MAX_TRACKED_DEVICES = 1024;

export class CallIntakeLimiter {
  readonly #limits: CallLimitsConfig;
  readonly #now: () => number;
  readonly #panel: TokenBucket;
  /** Insertion order is recency order (entries are re-inserted on use), so the first is the stalest. */
  readonly #devices = new Map<string, TokenBucket>();

  constructor(clock: Clock, limits: CallLimitsConfig) {
    this.#limits = limits;
    this.#now = () => clock.monotonic();
    this.#panel = new TokenBucket(limits.perPanelRatePerS, this.#now, limits.perPanelBurst);
  }

  /** Takes one token from the device's and the panel's bucket, or none when either is empty. */
  admit(appDeviceId: string): IntakeVerdict {
    const device = this.#bucketOf(appDeviceId);
    if (device.available() < 1) return 'device_rate_limited';
    // A device over its own budget must not drain the panel's: check both before taking from either.
    if (this.#panel.available() < 1) return 'panel_rate_limited';
    device.take(1);
    this.#panel.take(1);
    return 'admitted';
  }

  /** App devices with a bucket (for tests: bounded whatever the number of senders). */
  get trackedDevices(): number {
    return this.#devices.size;
  }

  #bucketOf(appDeviceId: string): TokenBucket {
    let bucket = this.#devices.get(appDeviceId);
    if (bucket) {
      this.#devices.delete(appDeviceId);
    } else {
      bucket = new TokenBucket(this.#limits.perAppDeviceRatePerS, this.#now, this.#limits.perAppDeviceBurst);
      // Forgetting a device refills its bucket; the panel bucket still bounds what that can add up to.
      if (this.#devices.size >= MAX_TRACKED_DEVICES) {
        const stalest = this.#devices.keys().next();
        if (!stalest.done) this.#devices.delete(stalest.value);
      }
    }
    this.#devices.set(appDeviceId, bucket);
    return bucket;
  }
}
