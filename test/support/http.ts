/** The tests' HTTP client for the panel's local API and the hub's APIs: JSON in, JSON (or text) out. */

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  body: any;
}

/**
 * `body` goes out as JSON (a string or bytes as they are, for malformed input or other content types,
 * which `headers` name); the reply body is parsed when it is JSON, and undefined when empty.
 */
export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit =
    body === undefined
      ? { method, headers }
      : {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
        };
  const res = await fetch(base + path, init);
  const text = await res.text();
  if (!text) return { status: res.status, body: undefined };
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}
