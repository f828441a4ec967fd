/**
 * Following the hub's live event stream while the events screen is shown: open it past the newest
 * cursor listed, hand each new event over once (by cursor), and when the stream ends or fails, open it
 * again past the last cursor seen after a pause that grows to 30 s — so a hub restart or a dropped
 * connection loses nothing and floods nothing. Stops when the user leaves the screen.
 */
import { type StoredEventView, storedEventView } from '../../../../protocol/admin-event-view.ts';
import { ApiError } from '../api.ts';
import type { EventFilter, MoreApi } from '../api-more.ts';
import type { ScreenContext } from '../nav.ts';
import { readServerEvents } from '../sse-reader.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

const MAX_PAUSE_MS = 30_000;

export function followEvents(
  ctx: ScreenContext,
  more: MoreApi,
  filter: EventFilter,
  after: number,
  onEvent: (e: StoredEventView) => void,
  onState: (s: LiveState) => void,
): void {
  const abort = new AbortController();
  ctx.onLeave(() => abort.abort());
  let cursor = after;
  let pause = 1000;
  let ended = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  void (async () => {
    onState('connecting');
    while (!abort.signal.aborted) {
      try {
        const res = await more.eventStream(filter, cursor, abort.signal);
        onState('live');
        pause = 1000;
        await readServerEvents(
          res,
          (msg) => {
            // The hub ends a stream whose session ended: the shell's client finds out and shows the login.
            if (msg.event === 'end' && msg.data.includes('session_ended')) {
              ended = true;
              void ctx.api.me().catch(() => {});
              return;
            }
            if (msg.event !== 'event') return;
            let json: unknown;
            try {
              json = JSON.parse(msg.data);
            } catch {
              return;
            }
            const parsed = storedEventView.safeParse(json);
            // A cursor already shown (a resumed stream repeats nothing, but a race at the start might).
            if (!parsed.success || parsed.data.cursor <= cursor) return;
            cursor = parsed.data.cursor;
            onEvent(parsed.data);
          },
          abort.signal,
        );
      } catch (err) {
        // A 401 has sent the shell to the login; a refusal other than a dropped link will not heal.
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429) {
          onState('stopped');
          return;
        }
      }
      if (ended) {
        onState('stopped');
        return;
      }
      if (abort.signal.aborted || !ctx.isActive()) return;
      onState('reconnecting');
      await sleep(pause);
      pause = Math.min(MAX_PAUSE_MS, pause * 2);
    }
  })();
}
