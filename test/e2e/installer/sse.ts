/** A server-sent-events reader for tests: fetch with headers (EventSource cannot send a bearer). */
import { until } from '../../../scripts/lab/until.ts';

export interface EventReader {
  /** The oldest event named `event` not yet taken (waits up to `timeoutMs`); its data parsed. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  next(event: string, timeoutMs?: number): Promise<any>;
  /** Everything received so far, raw. */
  text(): string;
  close(): void;
}

export async function readEvents(url: string, headers: Record<string, string>): Promise<EventReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
  let raw = '';
  const events: { event: string; data: string }[] = [];
  let taken = 0;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        raw += decoder.decode(value, { stream: true });
        let end = raw.indexOf('\n\n', taken);
        while (end >= 0) {
          const block = raw.slice(taken, end);
          taken = end + 2;
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n');
          if (name) events.push({ event: name, data });
          end = raw.indexOf('\n\n', taken);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    next: async (event, timeoutMs = 5000) => {
      const found = await until(
        () => {
          const i = events.findIndex((e) => e.event === event);
          return i >= 0 ? events.splice(i, 1)[0] : undefined;
        },
        `the stream's next "${event}" event`,
        timeoutMs,
        20,
      );
      return JSON.parse(found.data);
    },
    text: () => raw,
    close: () => abort.abort(),
  };
}
