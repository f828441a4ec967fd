/**
 * sip.js's Transport over the `ws` package (not the global WebSocket), so the panel can pin the SIP edge's
 * CA (`ca`) and bound the handshake. It keeps the connection to the edge open (an INVITE then costs no
 * handshake) and, when the edge drops it, reconnects by itself with exponential backoff on the injected
 * Clock — sip.js's own reconnection (wall-clock timers) stays off (reconnectionAttempts 0).
 */
import { type Emitter, EmitterImpl, type Transport, TransportState } from 'sip.js';
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';

export interface WsTransportOptions {
  /** ws:// (loopback lab only) or wss:// URL of the edge. */
  url: string;
  /** PEM text of the CA that signed the edge's certificate; without it the system CAs apply. */
  ca?: string;
  clock: Clock;
  logger: Logger;
  /** Handshake bound. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect backoff: first delay, doubled per failure up to the maximum. Default 1000 / 30000 ms. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
}

/** The sip.js transportConstructor signature passes (logger, options); only the options matter here. */
export class WsTransport implements Transport {
  readonly protocol: string;
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  readonly #options: WsTransportOptions;
  readonly #stateChange = new EmitterImpl<TransportState>();
  #state = TransportState.Disconnected;
  #socket: WebSocket | undefined;
  #connecting: Promise<void> | undefined;
  #reconnectTimer: TimerHandle | undefined;
  #backoffMs: number;
  /** True between connect() and disconnect(): the edge dropping us then means "reconnect". */
  #wanted = false;

  constructor(_sipLogger: unknown, options: WsTransportOptions) {
    this.#options = options;
    this.protocol = options.url.startsWith('wss:') ? 'WSS' : 'WS';
    this.#backoffMs = options.backoffInitialMs ?? 1000;
  }

  get state(): TransportState {
    return this.#state;
  }

  get stateChange(): Emitter<TransportState> {
    return this.#stateChange;
  }

  isConnected(): boolean {
    return this.#state === TransportState.Connected;
  }

  connect(): Promise<void> {
    this.#wanted = true;
    if (this.#state === TransportState.Connected) return Promise.resolve();
    if (this.#connecting) return this.#connecting;
    this.#options.clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#connecting = this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #open(): Promise<void> {
    const { url, ca } = this.#options;
    this.#transition(TransportState.Connecting);
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(url, 'sip', {
        ca,
        handshakeTimeout: this.#options.connectTimeoutMs ?? 5000,
      });
      this.#socket = socket;
      let opened = false;
      socket.on('open', () => {
        opened = true;
        this.#backoffMs = this.#options.backoffInitialMs ?? 1000;
        this.#transition(TransportState.Connected);
        this.onConnect?.();
        resolve();
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) return; // SIP over WebSocket is text frames (RFC 7118); ignore anything else.
        this.onMessage?.(data.toString());
      });
      // 'error' is always followed by 'close'; the close handler does the bookkeeping.
      let lastError: Error | undefined;
      socket.on('error', (err) => {
        lastError = err;
      });
      socket.on('close', (code) => {
        if (this.#socket !== socket) return;
        this.#socket = undefined;
        this.#transition(TransportState.Disconnected);
        const error =
          lastError ?? (this.#wanted ? new Error(`SIP edge closed the WebSocket (${code})`) : undefined);
        if (!opened) reject(error ?? new Error('WebSocket closed before it opened'));
        else this.onDisconnect?.(error);
        if (this.#wanted) this.#scheduleReconnect(error);
      });
    });
  }

  #scheduleReconnect(error: Error | undefined): void {
    if (this.#reconnectTimer) return;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.backoffMaxMs ?? 30_000);
    this.#options.logger.warn(
      { err: error?.message, retryInMs: delay },
      'SIP edge connection lost; reconnecting',
    );
    this.#reconnectTimer = this.#options.clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.#wanted) return;
      this.connect().catch(() => {
        // The close handler already scheduled the next attempt.
      });
    }, delay);
  }

  async disconnect(): Promise<void> {
    this.#wanted = false;
    this.#options.clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const socket = this.#socket;
    if (!socket) return;
    this.#transition(TransportState.Disconnecting);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close(1000);
    await closed;
  }

  async dispose(): Promise<void> {
    await this.disconnect();
    this.#stateChange.removeAllListeners();
  }

  send(message: string): Promise<void> {
    const socket = this.#socket;
    if (!socket || this.#state !== TransportState.Connected)
      return Promise.reject(new Error('not connected to the SIP edge'));
    return new Promise((resolve, reject) => socket.send(message, (err) => (err ? reject(err) : resolve())));
  }

  #transition(state: TransportState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#stateChange.emit(state);
  }
}
