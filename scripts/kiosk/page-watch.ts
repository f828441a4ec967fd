/**
 * What the kiosk session does to the panel page through the DevTools pipe:
 *  - tells the browser runner when the page is lost — its renderer crashed ("Aw, Snap!" would stay on
 *    the screen: a renderer is what the kernel's OOM killer picks first) or it shows Chromium's error
 *    page (the panel was not answering when it loaded) — so the browser is restarted;
 *  - keeps the long-press context menu and image dragging away on every document the page loads, so the
 *    visitor page needs no kiosk code of its own;
 *  - ignores touches while the screen is dark, so the touch that wakes the screen rings nobody.
 */
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { CdpEvent, CdpPipe } from './cdp-pipe.ts';

/** Runs in every document of the page before its own scripts (and once in the current one). */
export const KIOSK_PAGE_SCRIPT = `(() => {
  const stop = (event) => event.preventDefault();
  addEventListener('contextmenu', stop, true);
  addEventListener('dragstart', stop, true);
})();`;

export type PageLoss = 'crashed' | 'error-page' | 'closed';

export class PageWatch {
  readonly events = new SafeEmitter<{ lost: PageLoss }>();
  readonly #cdp: CdpPipe;
  readonly #log: Logger;
  /** Page targets by target id → their flat session id. */
  readonly #pages = new Map<string, string>();
  #ignoreInput = false;

  constructor(cdp: CdpPipe, log: Logger) {
    this.#cdp = cdp;
    this.#log = log;
  }

  async start(): Promise<void> {
    this.#cdp.events.on('event', (event) => this.#onEvent(event));
    await this.#cdp.send('Target.setDiscoverTargets', { discover: true });
    // Pages opened from now on wait for the script before they run anything (waitForDebuggerOnStart).
    await this.#cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: true,
    });
  }

  /** Whether the page ignores touches (and keys): applied to every page, now and later. */
  async setIgnoreInput(ignore: boolean): Promise<void> {
    this.#ignoreInput = ignore;
    await Promise.all(
      [...this.#pages.values()].map((sessionId) =>
        this.#cdp.send('Input.setIgnoreInputEvents', { ignore }, sessionId),
      ),
    );
  }

  #onEvent(event: CdpEvent): void {
    const info = event.params['targetInfo'] as { targetId?: string; type?: string; url?: string } | undefined;
    switch (event.method) {
      case 'Target.attachedToTarget': {
        const sessionId = event.params['sessionId'];
        if (typeof sessionId !== 'string' || !info?.targetId) return;
        if (info.type !== 'page') {
          // Not ours to hold up (a worker, a browser UI page): let it run.
          void this.#cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => {});
          return;
        }
        this.#pages.set(info.targetId, sessionId);
        void this.#prepare(sessionId);
        return;
      }
      case 'Target.detachedFromTarget':
        for (const [targetId, sessionId] of this.#pages) {
          if (sessionId === event.params['sessionId']) this.#pages.delete(targetId);
        }
        if (this.#pages.size === 0) this.#lost('closed');
        return;
      case 'Target.targetCrashed':
        if (typeof event.params['targetId'] === 'string' && this.#pages.has(event.params['targetId'])) {
          this.#log.warn({ status: event.params['status'] }, "the panel page's renderer ended");
          this.#lost('crashed');
        }
        return;
      case 'Target.targetInfoChanged':
        if (info?.type === 'page' && info.url?.startsWith('chrome-error://')) this.#lost('error-page');
        return;
    }
  }

  async #prepare(sessionId: string): Promise<void> {
    const send = (method: string, params: object = {}) => this.#cdp.send(method, params, sessionId);
    try {
      await send('Page.enable');
      await send('Page.addScriptToEvaluateOnNewDocument', { source: KIOSK_PAGE_SCRIPT });
      // The first page may have loaded before the kiosk attached: its document gets the script now.
      await send('Runtime.evaluate', { expression: KIOSK_PAGE_SCRIPT });
      if (this.#ignoreInput) await send('Input.setIgnoreInputEvents', { ignore: true });
      await send('Runtime.runIfWaitingForDebugger');
    } catch (err) {
      // The page went away meanwhile (detached, crashed): its loss is reported by its own event.
      this.#log.debug({ err: String(err) }, 'preparing the page failed');
    }
  }

  #lost(reason: PageLoss): void {
    this.events.emit('lost', reason);
  }
}
