/**
 * Commands waiting for one reader besides POLL (LED, buzzer, status queries), each with the promise of
 * whoever asked. Bounded: a burst of decisions cannot queue without limit for a slow or dead reader.
 */
import { HardwareError } from '../../../lib/errors.ts';
import type { OsdpOutgoing } from './feedback.ts';

export interface QueuedCommand {
  command: OsdpOutgoing;
  resolve: () => void;
  reject: (err: Error) => void;
}

const MAX_QUEUED = 8;

export class CommandQueue {
  readonly #items: QueuedCommand[] = [];
  readonly #reader: string;

  constructor(reader: string) {
    this.#reader = reader;
  }

  /** Resolves once the reader acknowledged every command; rejects on the first refusal or loss. */
  add(commands: readonly OsdpOutgoing[]): Promise<void> {
    if (this.#items.length + commands.length > MAX_QUEUED)
      return Promise.reject(new HardwareError(`reader "${this.#reader}" has too many commands queued`));
    return Promise.all(
      commands.map(
        (command) => new Promise<void>((resolve, reject) => this.#items.push({ command, resolve, reject })),
      ),
    ).then(() => undefined);
  }

  /** Queues a command nobody waits for, ahead of the others. */
  addFirst(command: OsdpOutgoing): void {
    const ignore = (): void => {};
    this.#items.unshift({ command, resolve: ignore, reject: ignore });
  }

  /** Puts a command back at the head (the reader was busy). */
  retry(item: QueuedCommand): void {
    this.#items.unshift(item);
  }

  next(): QueuedCommand | undefined {
    return this.#items.shift();
  }

  rejectAll(err: Error): void {
    for (const item of this.#items.splice(0)) item.reject(err);
  }
}
