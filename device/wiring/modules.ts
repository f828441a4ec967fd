/**
 * Start/stop orchestration for one process: modules start in order and stop in reverse. A critical
 * module that fails to start aborts the start (everything already started is stopped again); a
 * non-critical one is logged and skipped, so, say, a missing card reader daemon cannot keep the exit
 * buttons from working.
 */
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';

export interface Module {
  readonly name: string;
  readonly critical: boolean;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export class ModuleRunner {
  readonly #logger: Logger;
  readonly #started: Module[] = [];

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async start(modules: readonly Module[]): Promise<void> {
    for (const m of modules) {
      try {
        await m.start();
        this.#started.push(m);
      } catch (err) {
        if (m.critical) {
          this.#logger.error({ part: m.name, err: errorMessage(err) }, 'critical module failed to start');
          await this.stop();
          throw err;
        }
        this.#logger.error(
          { part: m.name, err: errorMessage(err) },
          'module failed to start; continuing without it',
        );
      }
    }
  }

  /**
   * Stops the modules started after `name`, in reverse order, and leaves `name` and those before it
   * running (a factory reset keeps the doors, and so the exit buttons, working while it erases).
   */
  async stopAfter(name: string): Promise<void> {
    const index = this.#started.findIndex((m) => m.name === name);
    await this.stop(index + 1);
  }

  /** Stops every started module in reverse order; one failing to stop does not stop the others. */
  async stop(keep = 0): Promise<void> {
    while (this.#started.length > keep) {
      const m = this.#started.pop()!;
      try {
        await m.stop();
      } catch (err) {
        this.#logger.error({ part: m.name, err: errorMessage(err) }, 'module failed to stop cleanly');
      }
    }
  }
}
