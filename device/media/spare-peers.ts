import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';

/** What the pool needs of a peer (MediaPeer in the worker). */
export interface OfferingPeer {
  createOffer(): Promise<string>;
  close(): Promise<void>;
}

export interface SparePeersOptions<P extends OfferingPeer> {
  /** How many peers to keep ready (0: none, every offer is made on demand). */
  size: number;
  /**
   * A spare older than this is replaced: its offer names the host addresses of when it was made, and
   * on a panel whose address comes from DHCP those can change.
   */
  maxAgeMs: number;
  /** Wait after a spare is taken before making its replacement, so it does not compete with the call. */
  refillDelayMs: number;
  clock: Clock;
  make(): P;
  /** A spare could not be made (reported; the pool tries again at the next refill). */
  onError(err: unknown): void;
}

interface Spare<P> {
  peer: P;
  sdp: string;
  madeAt: number;
}

/**
 * Peers made before anybody rings: the peer connection, its offer and its ICE candidates. Ringing takes
 * one, so the offer follows the ring at once instead of after ICE gathering on a machine that is busy
 * with the call's other work (the snapshot, the ring messages, the camera).
 */
export class SparePeers<P extends OfferingPeer> {
  readonly #o: SparePeersOptions<P>;
  readonly #ready: Spare<P>[] = [];
  #filling = false;
  #closed = false;
  #timer: TimerHandle | undefined;

  constructor(options: SparePeersOptions<P>) {
    this.#o = options;
  }

  get size(): number {
    return this.#ready.length;
  }

  start(): void {
    this.#schedule(0);
  }

  /** A ready peer and its offer, or undefined when none is ready (the caller makes one). */
  take(): { peer: P; sdp: string } | undefined {
    this.#dropStale();
    const spare = this.#ready.shift();
    this.#schedule(this.#o.refillDelayMs);
    return spare && { peer: spare.peer, sdp: spare.sdp };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#o.clock.clearTimeout(this.#timer);
    const spares = this.#ready.splice(0);
    await Promise.allSettled(spares.map((s) => s.peer.close()));
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#o.size === 0) return;
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#fill();
    }, delayMs);
  }

  async #fill(): Promise<void> {
    if (this.#filling) return;
    this.#filling = true;
    try {
      this.#dropStale();
      while (!this.#closed && this.#ready.length < this.#o.size) {
        const peer = this.#o.make();
        let sdp: string;
        try {
          sdp = await peer.createOffer();
        } catch (err) {
          await peer.close().catch(() => undefined);
          this.#o.onError(err);
          break;
        }
        if (this.#closed) {
          await peer.close().catch(() => undefined);
          break;
        }
        this.#ready.push({ peer, sdp, madeAt: this.#o.clock.monotonic() });
      }
    } finally {
      this.#filling = false;
    }
    // Check again when the oldest spare goes stale.
    const oldest = this.#ready[0];
    if (oldest) this.#schedule(Math.max(0, oldest.madeAt + this.#o.maxAgeMs - this.#o.clock.monotonic()));
  }

  #dropStale(): void {
    const now = this.#o.clock.monotonic();
    while (this.#ready.length > 0 && now - this.#ready[0]!.madeAt >= this.#o.maxAgeMs) {
      void this.#ready
        .shift()!
        .peer.close()
        .catch(() => undefined);
    }
  }
}
