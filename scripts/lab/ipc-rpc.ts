/**
 * Calls into a lab child process over its IPC channel, for parts that must run in another network
 * namespace (the WAN lab) but are driven from the bench: the child serves an object's async methods
 * (plain-data arguments and results), the parent calls them by name. The child reports `ready` (or why it
 * could not start) once; a call still open when the child exits fails with the exit.
 */
import type { ChildProcess } from 'node:child_process';

type Handlers = Record<string, (...args: never[]) => unknown>;
type Reply = { id: number; result?: unknown; error?: string };
type Started = { ready: unknown } | { failed: string };

/**
 * In the child: runs `start`, reports ready with its `info` (plain data for the parent) or why it
 * failed, then serves its `handlers`.
 */
export async function serveOverIpc(
  start: () => Promise<{ handlers: Handlers; info?: unknown }>,
): Promise<void> {
  const send = (m: unknown) => process.send?.(m);
  if (!process.send) throw new Error('this script runs as a child with an IPC channel');
  let served: Handlers;
  try {
    const started = await start();
    served = started.handlers;
    send({ ready: started.info ?? null } satisfies Started);
  } catch (err) {
    send({ failed: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies Started);
    process.disconnect();
    return;
  }
  process.on('message', async (m: { id: number; method: string; args: never[] }) => {
    const handler = served[m.method];
    try {
      if (!handler) throw new Error(`no method ${m.method}`);
      send({ id: m.id, result: await handler(...m.args) } satisfies Reply);
    } catch (err) {
      send({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply);
    }
  });
}

/** In the parent: the child's methods by name. */
export class IpcClient {
  readonly child: ChildProcess;
  #next = 1;
  readonly #open = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #exited: string | undefined;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (m: Reply) => {
      const call = this.#open.get(m.id);
      if (!call) return;
      this.#open.delete(m.id);
      if (m.error !== undefined) call.reject(new Error(m.error));
      else call.resolve(m.result);
    });
    child.once('exit', (code, signal) => {
      this.#exited = `the child exited (${signal ?? code})`;
      for (const call of this.#open.values()) call.reject(new Error(this.#exited));
      this.#open.clear();
    });
  }

  /** Waits for the child's ready report and returns what it started with. */
  static async connect<T>(child: ChildProcess, timeoutMs = 60_000): Promise<{ client: IpcClient; ready: T }> {
    const client = new IpcClient(child);
    const ready = await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the child did not report ready')), timeoutMs);
      const onMessage = (m: Started) => {
        if (!('ready' in m) && !('failed' in m)) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        if ('failed' in m) reject(new Error(`the child could not start: ${m.failed}`));
        else resolve(m.ready as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the child exited (${signal ?? code}) before it was ready`));
      });
    });
    return { client, ready };
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(this.#exited));
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#open.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, method, args });
    });
  }
}
