/**
 * The panel page's screen stream: one server-sent-events stream carries all the screen must react to,
 * so the page never polls.
 * - `directory` when the page connects and again each time the panel applied a config that changed it,
 *   so a removal made at the hub leaves the screen within moments of the panel applying it. Changes that
 *   come with time alone (a hiding schedule, "hidden until") are the page's periodic refresh's.
 * - `call` when the page connects and at every change of the call (ringing, the phone leg, connected,
 *   the door opened, idle with how it ended).
 * - `card` at each tap's decision (granted and which doors, or not; never why, never whose).
 * Streams are bounded: the page needs one, anything on the LAN may open some.
 */
import { type CardFeedback, SCREEN_STREAM_PATH } from '../../../cloud-sync/protocol/panel-api.ts';
import { RateLimitedError } from '../../../lib/errors.ts';
import type { Router } from '../../../lib/http/router.ts';
import { eventStreamReply, type StreamSink, serverSentEvent } from '../../../lib/http/stream-reply.ts';
import type { IntercomApi } from '../../intercom/intercom-api.ts';

export const MAX_SCREEN_STREAMS = 8;

export interface ScreenSources {
  /** Absent on a panel without the intercom: the stream then carries card feedback only. */
  intercom?: IntercomApi | undefined;
  onConfigApplied?: ((listener: () => void) => () => void) | undefined;
  onCardFeedback?: ((listener: (feedback: CardFeedback) => void) => () => void) | undefined;
}

interface Follower {
  sink: StreamSink;
  /** The directory and call last sent, as sent: a notice that changed neither sends nothing. */
  lastDirectory: string;
  lastCall: string;
}

export function addScreenStream(router: Router, sources: ScreenSources): void {
  const { intercom } = sources;
  const followers = new Set<Follower>();
  let queued = false;
  const sendDirectory = (f: Follower) => {
    if (!intercom) return;
    const json = JSON.stringify(intercom.directory());
    if (json === f.lastDirectory) return;
    f.lastDirectory = json;
    f.sink.write(serverSentEvent({ event: 'directory', data: json }));
  };
  const sendCall = (f: Follower, json: string) => {
    if (json === f.lastCall) return;
    f.lastCall = json;
    f.sink.write(serverSentEvent({ event: 'call', data: json }));
  };
  // Told synchronously by the audit log: read the directory once the writer is done.
  sources.onConfigApplied?.(() => {
    if (queued || followers.size === 0) return;
    queued = true;
    setImmediate(() => {
      queued = false;
      for (const f of followers) sendDirectory(f);
    });
  });
  intercom?.onCall((state) => {
    if (followers.size === 0) return;
    const json = JSON.stringify(state);
    for (const f of followers) sendCall(f, json);
  });
  // Written at once: the page shows the decision within the tap's own tick.
  sources.onCardFeedback?.((feedback) => {
    if (followers.size === 0) return;
    const event = serverSentEvent({ event: 'card', data: JSON.stringify(feedback) });
    for (const f of followers) f.sink.write(event);
  });
  router.add('GET', SCREEN_STREAM_PATH, () => {
    if (followers.size >= MAX_SCREEN_STREAMS)
      throw new RateLimitedError(`at most ${MAX_SCREEN_STREAMS} screen streams at once`, 5000);
    return eventStreamReply({
      open: (sink) => {
        const f: Follower = { sink, lastDirectory: '', lastCall: '' };
        followers.add(f);
        sink.onClose(() => followers.delete(f));
        sendDirectory(f);
        if (intercom) sendCall(f, JSON.stringify(intercom.call()));
      },
    });
  });
}
