/**
 * Long-lived replies (server-sent events): the handler returns a Reply with `stream`, the server sends
 * the status and headers at once and hands the handler a sink to write to until either side ends it.
 * A client that stops reading is cut off once `maxBufferedBytes` are queued for it, so one stalled
 * browser cannot make the server hold an unbounded backlog; the sink reports the close either way, so
 * the producer (a subscription, a heartbeat timer) is released.
 */
import type { ServerResponse } from 'node:http';

/** Where a streaming handler writes. Writing after the close is a no-op. */
export interface StreamSink {
  write(chunk: string): void;
  /** Ends the reply normally. */
  end(): void;
  readonly closed: boolean;
  /** Runs once when the reply ends for any reason (end, client gone, overrun, server stop). */
  onClose(fn: () => void): void;
}

export interface StreamBody {
  /** Called once the headers are sent. */
  open(sink: StreamSink): void;
  /** Bytes queued for a slow client before it is cut off; 1 MiB unless set. */
  maxBufferedBytes?: number;
}

const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

export function sendStream(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: StreamBody,
): void {
  const max = body.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const closers: (() => void)[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const fn of closers.splice(0)) fn();
  };
  res.on('close', close);
  res.writeHead(status, {
    'cache-control': 'no-store',
    // Reverse proxies (nginx) would otherwise buffer the stream and deliver it in lumps.
    'x-accel-buffering': 'no',
    ...headers,
  });
  res.flushHeaders();
  const sink: StreamSink = {
    write(chunk) {
      if (closed) return;
      res.write(chunk);
      if (res.writableLength > max) {
        res.destroy();
        close();
      }
    },
    end() {
      if (closed) return;
      res.end();
      close();
    },
    get closed() {
      return closed;
    },
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
  };
  body.open(sink);
  // The client may have gone before the reply started: 'close' has fired already and will not again.
  if (res.destroyed) close();
}

/**
 * One server-sent event. Each line of `data` becomes its own `data:` line (a newline in the data cannot
 * start a forged field), and `event`/`id` are stripped of line breaks for the same reason.
 */
export function serverSentEvent(e: { event?: string; id?: string | number; data: string }): string {
  const oneLine = (s: string) => s.replace(/[\r\n]/g, '');
  let out = '';
  if (e.event !== undefined) out += `event: ${oneLine(e.event)}\n`;
  if (e.id !== undefined) out += `id: ${oneLine(String(e.id))}\n`;
  for (const line of e.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line: keeps proxies and the browser from timing an idle stream out. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

/** The reply that opens a server-sent-events stream (the router sends the headers, then `stream.open`). */
export function eventStreamReply(stream: StreamBody): {
  status: 200;
  body: undefined;
  headers: Record<string, string>;
  stream: StreamBody;
} {
  return {
    status: 200,
    body: undefined,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    stream,
  };
}
