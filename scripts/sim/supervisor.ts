/**
 * Keeps a simulator child running: when it exits without being asked to (a crash, an OOM kill, a stray
 * `kill`), it is started again with the same arguments after a backoff (1 s, doubling to 30 s; back to
 * 1 s once it has stayed up a minute), and the console says so. Used for the hub: a crashed hub must not
 * take the panel (and its doors) down with it — the panel works offline and reconnects on its own.
 */
import { type Child, type StartChildOptions, startChild } from './children.ts';

const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

export interface SupervisedChild extends Child {
  /** How many times it was restarted. */
  restarts(): number;
  /**
   * No more restarts, and an exit from now on is the expected one: said when the simulator begins to
   * stop, since Ctrl-C reaches the child too (the whole foreground process group) while the panel is
   * still being stopped first.
   */
  standDown(): void;
}

export function superviseChild(
  options: StartChildOptions,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): SupervisedChild {
  let current = startChild(options);
  let startedAt = Date.now();
  let stopping = false;
  let restarts = 0;
  let backoffMs = FIRST_BACKOFF_MS;
  let pending: NodeJS.Timeout | undefined;
  let endSupervision: (code: number | string) => void = () => {};
  const exited = new Promise<number | string>((resolve) => {
    endSupervision = resolve;
  });

  const watch = (child: Child): void => {
    void child.exited.then((code) => {
      if (stopping) {
        endSupervision(code);
        return;
      }
      if (Date.now() - startedAt >= STABLE_AFTER_MS) backoffMs = FIRST_BACKOFF_MS;
      say(
        `[${options.name}] exited (${code}); restarting in ${backoffMs / 1000} s — the panel keeps running\n${indent(child.tail())}`,
      );
      pending = setTimeout(() => {
        pending = undefined;
        if (stopping) return;
        current = startChild(options);
        startedAt = Date.now();
        restarts++;
        say(`[${options.name}] restarted (pid ${current.pid}, restart ${restarts})`);
        watch(current);
      }, backoffMs);
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    });
  };
  watch(current);

  return {
    name: options.name,
    get pid() {
      return current.pid;
    },
    exited,
    tail: () => current.tail(),
    restarts: () => restarts,
    standDown: () => {
      stopping = true;
    },
    async stop(graceMs?: number) {
      stopping = true;
      if (pending !== undefined) {
        clearTimeout(pending);
        pending = undefined;
        endSupervision('stopped');
      }
      await current.stop(graceMs);
      await exited;
    },
  };
}

function indent(text: string): string {
  const last = text.split('\n').slice(-5);
  return last.map((l) => `    ${l}`).join('\n');
}
