/** WebAdmin's server-sent-events reader: the stream format as the hub's lib/http writes it, in any chunking. */
import { describe, expect, it } from 'vitest';
import {
  readServerEvents,
  type ServerEvent,
  SseParser,
} from '../../../../cloud-sync/hub/web/admin/sse-reader.ts';
import { SSE_HEARTBEAT, serverSentEvent } from '../../../../lib/http/stream-reply.ts';

function parseAll(chunks: string[]): ServerEvent[] {
  const out: ServerEvent[] = [];
  const parser = new SseParser((e) => out.push(e));
  for (const c of chunks) parser.push(c);
  return out;
}

describe('SseParser', () => {
  const stream =
    serverSentEvent({ event: 'event', id: 7, data: '{"a":1}' }) +
    SSE_HEARTBEAT +
    serverSentEvent({ data: 'line one\nline two' });

  it('reads events, ids, multi-line data and skips heartbeats', () => {
    expect(parseAll([stream])).toEqual([
      { event: 'event', data: '{"a":1}', id: '7' },
      { event: 'message', data: 'line one\nline two', id: '7' },
    ]);
  });

  it('gives the same events however the bytes are split (also inside a CRLF)', () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    for (const text of [stream, crlf])
      for (let at = 1; at < text.length; at++)
        expect(parseAll([text.slice(0, at), text.slice(at)])).toEqual(parseAll([stream]));
  });

  it('dispatches nothing for an event without data or an unterminated one', () => {
    expect(parseAll(['event: x\n\n', 'data: half'])).toEqual([]);
  });

  it('reads a Response body to its end', async () => {
    const got: ServerEvent[] = [];
    await readServerEvents(new Response(stream), (e) => got.push(e), new AbortController().signal);
    expect(got.map((e) => e.data)).toEqual(['{"a":1}', 'line one\nline two']);
  });
});
