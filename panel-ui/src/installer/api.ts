/**
 * Installer mode of the panel's local API as the installer page uses it: the session's token rides in
 * the Authorization header of every request (never in a URL), the live stream is read with fetch for the
 * same reason (EventSource cannot send it). Types only from the protocol: no validator ships.
 */
import type {
  InstallerStatusReply,
  InstallerStreamEvent,
  MicLevel,
  SelfTestReply,
  SessionReply,
} from '../../../cloud-sync/protocol/installer-api.ts';

// Literal paths (checked against the protocol's INSTALLER_PATHS by the page's test), so no zod reaches
// the bundle.
const BASE = '/api/v1/installer';

export class InstallerApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterS: number;
  constructor(status: number, code: string, message: string, retryAfterS = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}

export class InstallerApi {
  #token = '';
  /** Called when the panel no longer knows the session (401): the page goes back to the PIN. */
  onSessionLost: () => void = () => {};

  get signedIn(): boolean {
    return this.#token !== '';
  }

  status(): Promise<InstallerStatusReply> {
    return this.#json('GET', '/status', undefined, false);
  }

  async enter(pin: string): Promise<SessionReply> {
    const reply = await this.#json<SessionReply>('POST', '/session', { pin }, false);
    this.#token = reply.token;
    return reply;
  }

  async leave(): Promise<void> {
    const token = this.#token;
    this.#token = '';
    if (token)
      await fetch(`${BASE}/session`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => {});
  }

  forget(): void {
    this.#token = '';
  }

  selfTest(): Promise<SelfTestReply> {
    return this.#json('GET', '/self-test');
  }

  testPulse(doorId: string): Promise<{ doorId: string; pulseMs: number }> {
    return this.#json('POST', `/doors/${encodeURIComponent(doorId)}/test-pulse`, {});
  }

  speakerTest(): Promise<{ played: boolean }> {
    return this.#json('POST', '/speaker-test');
  }

  micLevel(): Promise<MicLevel> {
    return this.#json('GET', '/microphone');
  }

  factoryReset(): Promise<unknown> {
    return this.#json('POST', '/factory-reset', { confirm: 'erase' });
  }

  /** The camera's still as a data: URI (the page's CSP allows data: images), or undefined when none. */
  async camera(): Promise<string | undefined> {
    const response = await this.#fetch('GET', '/camera.jpg');
    if (response.status === 503) return undefined;
    await this.#check(response);
    const bytes = new Uint8Array(await response.arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return `data:image/jpeg;base64,${btoa(binary)}`;
  }

  /** The log export: its text and the file name the panel gave it. */
  async logs(): Promise<{ text: string; filename: string }> {
    const response = await this.#fetch('GET', '/logs?lines=2000');
    await this.#check(response);
    const disposition = response.headers.get('content-disposition') ?? '';
    return {
      text: await response.text(),
      filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'portvakt.ndjson',
    };
  }

  /** Follows the live stream until `signal` aborts or the stream ends; resolves then. */
  async follow(onEvent: (e: InstallerStreamEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await this.#fetch('GET', '/stream', undefined, signal);
    await this.#check(response);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n');
        if (name) onEvent({ event: name, data: JSON.parse(data) } as InstallerStreamEvent);
        end = buffer.indexOf('\n\n');
      }
    }
  }

  #fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers['authorization'] = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${BASE}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  }

  async #json<T>(method: string, path: string, body?: unknown, session = true): Promise<T> {
    const response = await this.#fetch(method, path, body);
    await this.#check(response, session);
    return (await response.json()) as T;
  }

  async #check(response: Response, session = true): Promise<void> {
    if (response.ok) return;
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    const error = new InstallerApiError(
      response.status,
      body.error?.code ?? 'error',
      body.error?.message ?? response.statusText,
      Number(response.headers.get('retry-after') ?? 0),
    );
    if (session && response.status === 401 && this.#token) {
      this.#token = '';
      this.onSessionLost();
    }
    throw error;
  }
}
