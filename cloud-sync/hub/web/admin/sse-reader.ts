/**
 * Reading a server-sent-events stream from a fetch Response (text/event-stream), as the WHATWG format
 * says: lines split on CR, LF or CRLF, `event:`, `data:` (joined with "\n") and `id:` fields, a blank line
 * dispatches, `:` lines are comments (heartbeats). Used instead of EventSource, which reconnects on its
 * own with the same URL — the hub's stream tickets are single use, so each reconnect needs a new one —
 * and cannot tell a refused request (its status and message) from a dropped connection.
 */

export interface ServerEvent {
  event: string;
  data: string;
  id: string | null;
}

/** Feeds text chunks in, hands complete events out; keeps a partial line between chunks. */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | null = null;
  readonly #emit: (e: ServerEvent) => void;

  constructor(emit: (e: ServerEvent) => void) {
    this.#emit = emit;
  }

  push(chunk: string): void {
    this.#buffer += chunk;
    // A lone CR at the end may be the first half of a CRLF: keep it for the next chunk.
    const lines = this.#buffer.split(/\r\n|\r(?!$)|\n/);
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0)
        this.#emit({ event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id });
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') this.#event = value;
    else if (name === 'data') this.#data.push(value);
    else if (name === 'id' && !value.includes('\0')) this.#id = value;
  }
}

/**
 * Reads `res`'s body as server-sent events until it ends or `signal` aborts. Resolves when the stream
 * ends (the caller decides whether to reconnect).
 */
export async function readServerEvents(
  res: Response,
  onEvent: (e: ServerEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const body = res.body;
  if (!body) return;
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser(onEvent);
  const stop = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) return;
      parser.push(value);
    }
  } catch {
    // A dropped connection or an abort ends the stream like its end does.
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
