/** Starts media-receivers.ts as a child process and talks to it (used by the media tests and the bench). */
import { type ChildProcess, fork } from 'node:child_process';
import type { AppDeviceLogins } from './app-device-viewers.ts';
import type { ReceiverCommand, ReceiverPeerStats } from './media-receivers.ts';

const SCRIPT = new URL('./media-receivers.ts', import.meta.url).pathname;

export class ReceiverProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #exited: Promise<void>;
  #nextId = 1;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      const pending = m.id === undefined ? undefined : this.#pending.get(m.id);
      if (!pending) return;
      this.#pending.delete(m.id!);
      if (m.ok) pending.resolve(m.result);
      else pending.reject(new Error(m.error));
    });
    child.once('exit', (code, signal) => {
      for (const p of this.#pending.values()) p.reject(new Error(`receivers exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  static async start(): Promise<ReceiverProcess> {
    const child = fork(SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`receivers exited before ready (${code})`)));
    });
    return new ReceiverProcess(child);
  }

  get pid(): number {
    return this.#child.pid!;
  }

  answer(peerId: string, offer: string): Promise<string> {
    return this.#send({ type: 'answer', peerId, offer }) as Promise<string>;
  }

  stats(): Promise<Record<string, ReceiverPeerStats>> {
    return this.#send({ type: 'stats' }) as Promise<Record<string, ReceiverPeerStats>>;
  }

  async peer(peerId: string): Promise<ReceiverPeerStats> {
    const stats = (await this.stats())[peerId];
    if (!stats) throw new Error(`no receiver "${peerId}"`);
    return stats;
  }

  pli(peerId: string): Promise<void> {
    return this.#send({ type: 'pli', peerId }) as Promise<void>;
  }

  fir(peerId: string, sequenceNumber: number): Promise<void> {
    return this.#send({ type: 'fir', peerId, sequenceNumber }) as Promise<void>;
  }

  talk(peerId: string, on: boolean): Promise<void> {
    return this.#send({ type: 'talk', peerId, on }) as Promise<void>;
  }

  mark(peerId: string): Promise<void> {
    return this.#send({ type: 'mark', peerId }) as Promise<void>;
  }

  /** Logs these app devices in to the panel's broker; they answer its offers from then on. */
  appDevices(logins: AppDeviceLogins): Promise<void> {
    return this.#send({ type: 'app-devices', logins }) as Promise<void>;
  }

  close(peerId: string): Promise<void> {
    return this.#send({ type: 'close', peerId }) as Promise<void>;
  }

  /** Kills the process by PID and waits for it. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  #send(command: ReceiverCommand): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...command, id });
    });
  }
}
