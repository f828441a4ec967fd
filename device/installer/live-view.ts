/**
 * What installer mode's live stream shows while the installer's screen is open: every input's level as
 * it changes, every relay locking and unlocking, each card a reader sees (its reader, time and UID
 * length — never the UID or anything derived from it), and the microphone's level about every 300 ms.
 * It listens to the hardware only while someone follows it: with the screen closed it costs nothing.
 */
import type {
  CardRead,
  InputView,
  InstallerStreamEvent,
  MicLevel,
  RelayView,
} from '../../cloud-sync/protocol/installer-api.ts';
import type { CardReaderDriver } from '../../hal/reader/types.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { Doors } from '../door/doors.ts';

export const MIC_INTERVAL_MS = 300;

export type LiveListener = (event: InstallerStreamEvent) => void;

export interface LiveViewDeps {
  doors: Doors;
  readers: CardReaderDriver;
  readerIdFor: (physicalName: string) => string | undefined;
  /** The microphone's level; absent without an intercom. */
  micLevel?: (() => Promise<MicLevel>) | undefined;
  clock: Clock;
  logger: Logger;
}

export class LiveView {
  readonly #d: LiveViewDeps;
  readonly #listeners = new Set<LiveListener>();
  #detach: (() => void)[] = [];
  #micTimer: TimerHandle | undefined;

  constructor(deps: LiveViewDeps) {
    this.#d = deps;
  }

  relays(): RelayView[] {
    return this.#d.doors.all().map((d) => {
      const s = d.state();
      return { doorId: s.id, name: s.name, locked: s.locked };
    });
  }

  inputs(): InputView[] {
    return this.#d.doors.inputs().map(({ id, doorId, role, input }) => {
      let active: boolean | null;
      try {
        active = input.isActive();
      } catch {
        active = null;
      }
      return { id, doorId, role, active };
    });
  }

  /** Follows the live view: the current state at once, then each change. Returns the unfollow. */
  follow(listener: LiveListener): () => void {
    listener({ event: 'state', data: { relays: this.relays(), inputs: this.inputs() } });
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#attach();
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (this.#listeners.size === 0) this.#stopListening();
    };
  }

  #emit(event: InstallerStreamEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (err) {
        this.#d.logger.warn({ err }, 'installer live view listener failed');
      }
    }
  }

  #attach(): void {
    const { doors, readers, readerIdFor, clock } = this.#d;
    for (const { id, doorId, role, input } of doors.inputs())
      this.#detach.push(
        input.onChange(({ active }) => this.#emit({ event: 'input', data: { id, doorId, role, active } })),
      );
    for (const door of doors.all()) {
      let locked = door.state().locked;
      this.#detach.push(
        door.on('change', (s) => {
          if (s.locked === locked) return;
          locked = s.locked;
          this.#emit({ event: 'relay', data: { doorId: s.id, name: s.name, locked } });
        }),
      );
    }
    this.#detach.push(
      readers.on('card', (card) => {
        // The length only: enough to tell a reader works and which card family it read.
        const read: CardRead = {
          readerId: readerIdFor(card.reader) ?? null,
          at: clock.now(),
          uidLength: Math.floor(card.uid.length / 2),
        };
        this.#emit({ event: 'card-read', data: read });
      }),
    );
    if (this.#d.micLevel) this.#scheduleMic(this.#d.micLevel);
  }

  #scheduleMic(read: () => Promise<MicLevel>): void {
    this.#micTimer = this.#d.clock.setTimeout(() => {
      this.#micTimer = undefined;
      read().then(
        (level) => {
          if (this.#listeners.size === 0) return;
          this.#emit({ event: 'mic-level', data: level });
          this.#scheduleMic(read);
        },
        (err: unknown) => {
          if (this.#listeners.size === 0) return;
          this.#d.logger.debug({ err }, 'microphone level unavailable');
          this.#emit({
            event: 'mic-level',
            data: { available: false, peakDbfs: null, rmsDbfs: null, windowMs: 0 },
          });
          this.#scheduleMic(read);
        },
      );
    }, MIC_INTERVAL_MS);
  }

  #stopListening(): void {
    for (const off of this.#detach.splice(0)) off();
    this.#d.clock.clearTimeout(this.#micTimer);
    this.#micTimer = undefined;
  }
}
