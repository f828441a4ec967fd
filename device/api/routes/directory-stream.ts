/**
 * The panel page's live directory: a server-sent-events stream that sends the directory when the page
 * connects and again each time the panel applied a config that changed it, so a removal made at the hub
 * leaves the screen within moments of the panel applying it, without the page polling. Changes that come
 * with time alone (a hiding schedule, "hidden until") are the page's periodic refresh's. Streams are
 * bounded: the page needs one, anything on the LAN may open some.
 */
import type { DirectoryReply } from '../../../cloud-sync/protocol/panel-api.ts';
import { RateLimitedError } from '../../../lib/errors.ts';
import type { Router } from '../../../lib/http/router.ts';
import { type StreamSink, serverSentEvent } from '../../../lib/http/stream-reply.ts';
import type { IntercomApi } from '../../intercom/intercom-api.ts';

export const DIRECTORY_STREAM_PATH = '/api/v1/directory/stream';
export const MAX_DIRECTORY_STREAMS = 8;

interface Follower {
  sink: StreamSink;
  /** The directory last sent, as sent: an applied config that did not change it sends nothing. */
  last: string;
}

export function addDirectoryStream(
  router: Router,
  intercom: IntercomApi,
  onConfigApplied: ((listener: () => void) => () => void) | undefined,
): void {
  const followers = new Set<Follower>();
  let queued = false;
  const send = (f: Follower) => {
    const json = JSON.stringify(intercom.directory() satisfies DirectoryReply);
    if (json === f.last) return;
    f.last = json;
    f.sink.write(serverSentEvent({ event: 'directory', data: json }));
  };
  // Told synchronously by the audit log: read the directory once the writer is done.
  onConfigApplied?.(() => {
    if (queued || followers.size === 0) return;
    queued = true;
    setImmediate(() => {
      queued = false;
      for (const f of followers) send(f);
    });
  });
  router.add('GET', DIRECTORY_STREAM_PATH, () => {
    if (followers.size >= MAX_DIRECTORY_STREAMS)
      throw new RateLimitedError(`at most ${MAX_DIRECTORY_STREAMS} directory streams at once`, 5000);
    return {
      status: 200,
      body: undefined,
      headers: { 'content-type': 'text/event-stream; charset=utf-8' },
      stream: {
        open: (sink) => {
          const f: Follower = { sink, last: '' };
          followers.add(f);
          sink.onClose(() => followers.delete(f));
          send(f);
        },
      },
    };
  });
}
