/**
 * The panel's SIP phone: a sip.js UserAgent that logs in to the SIP edge over WebSocket (WSS with the
 * edge's CA pinned) with the digest credentials the hub provisioned, and places one call at a time to a
 * resident's number (the edge refuses numbers outside the building). It takes no calls: incoming INVITEs
 * are refused. dial() never throws — every failure ends the call with `failed`.
 */
import { Inviter, type Session, type SessionDescriptionHandler, UserAgent } from 'sip.js';
import { z } from 'zod';
import type { Clock } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { PhoneCall, PhoneCallRequest, PhoneDialer, PhoneMediaLeg, PhonePrompt } from '../types.ts';
import { RtpDescriptionHandler } from './rtp-description-handler.ts';
import { SipCall } from './sip-call.ts';
import { WsTransport, type WsTransportOptions } from './ws-transport.ts';

export interface SipDialerOptions {
  /** wss://edge:8443 (ws:// only for the loopback lab and simulator). */
  edgeUrl: string;
  /** The SIP domain (realm) of the edge, e.g. sip.example.net. */
  domain: string;
  username: string;
  password: string;
  /** PEM text of the edge's CA (pinned); without it the system CAs apply. */
  ca?: string;
  clock: Clock;
  logger: Logger;
  /** Bound on connecting to the edge when a call needs it. Default 5000 ms. */
  connectTimeoutMs?: number;
}

/** E.164 and sane limits; the caller display is a quoted SIP display name, so no quotes or line breaks. */
const requestSchema = z.object({
  callId: z.string().min(1).max(128),
  number: z.string().regex(/^\+[1-9][0-9]{5,14}$/, 'an E.164 number such as +46701234567'),
  displayName: z
    .string()
    .max(64)
    .regex(/^[^"\\\r\n]*$/, 'no quotes, backslashes or line breaks'),
  ringTimeoutS: z.number().positive().max(600),
  maxCallS: z.number().positive().max(86_400),
});

export class SipDialer implements PhoneDialer {
  readonly #options: SipDialerOptions;
  readonly #log: Logger;
  readonly #handlers = new WeakMap<Session, RtpDescriptionHandler>();
  #ua: UserAgent | undefined;
  #transport: WsTransport | undefined;
  #current: SipCall | undefined;

  constructor(options: SipDialerOptions) {
    this.#options = options;
    this.#log = options.logger;
  }

  async start(): Promise<void> {
    const { edgeUrl, domain, username, password, ca, clock } = this.#options;
    const uri = UserAgent.makeURI(`sip:${username}@${domain}`);
    if (!uri) throw new Error(`SIP username or domain cannot form a SIP URI (${username}@${domain})`);
    const transportOptions: WsTransportOptions = {
      url: edgeUrl,
      ca,
      clock,
      logger: this.#log,
      connectTimeoutMs: this.#options.connectTimeoutMs,
    };
    const ua = new UserAgent({
      uri,
      authorizationUsername: username,
      authorizationPassword: password,
      transportConstructor: WsTransport,
      transportOptions,
      // Reconnection is the transport's (on the injected clock); sip.js's own is off by default.
      logBuiltinEnabled: false,
      logLevel: 'warn',
      logConnector: (level, category, _label, content) => {
        if (level === 'error' || level === 'warn') this.#log.warn({ category }, content);
      },
      userAgentString: 'portvakt',
      sessionDescriptionHandlerFactory: (session: Session): SessionDescriptionHandler => {
        const handler = this.#handlers.get(session);
        if (!handler) throw new Error('no media leg for this session (incoming calls are refused)');
        return handler;
      },
      delegate: {
        // The panel places calls; it takes none (the edge refuses them too).
        onInvite: (invitation) => {
          this.#log.warn({ from: invitation.remoteIdentity.uri.toString() }, 'incoming SIP call refused');
          invitation.reject({ statusCode: 403 }).catch(() => {});
        },
        onDisconnect: (error) => {
          this.#current?.transportLost(`SIP edge connection lost${error ? `: ${error.message}` : ''}`);
        },
      },
    });
    this.#ua = ua;
    this.#transport = ua.transport as WsTransport;
    try {
      await ua.start();
      this.#log.info({ edge: edgeUrl, username }, 'connected to the SIP edge');
    } catch (err) {
      // The panel starts without the edge; the transport keeps retrying with backoff.
      this.#log.warn(
        { edge: edgeUrl, err: errorMessage(err) },
        'SIP edge unreachable; retrying in the background',
      );
    }
  }

  async stop(): Promise<void> {
    this.#current?.end();
    const ua = this.#ua;
    this.#ua = undefined;
    await ua?.stop().catch((err: unknown) => this.#log.warn({ err: errorMessage(err) }, 'SIP stop failed'));
  }

  dial(request: PhoneCallRequest, media: PhoneMediaLeg, prompt?: PhonePrompt): PhoneCall {
    const call = new SipCall(request, this.#options.clock, this.#log, prompt, () => {
      if (this.#current === call) this.#current = undefined;
    });
    const fail = (reason: string): PhoneCall => {
      // After dial() returns, so the caller's listeners see it.
      queueMicrotask(() => call.finish({ outcome: 'failed', reason }));
      return call;
    };
    const parsed = requestSchema.safeParse(request);
    if (!parsed.success)
      return fail(
        `invalid call request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const ua = this.#ua;
    const transport = this.#transport;
    if (!ua || !transport) return fail('SIP dialer not started');
    if (this.#current && !this.#current.ended) return fail('a phone call is already in progress');
    this.#current = call;
    void this.#place(ua, transport, call, request, media);
    return call;
  }

  async #place(
    ua: UserAgent,
    transport: WsTransport,
    call: SipCall,
    request: PhoneCallRequest,
    media: PhoneMediaLeg,
  ): Promise<void> {
    try {
      if (!transport.isConnected()) await transport.connect();
    } catch (err) {
      call.finish({ outcome: 'failed', reason: `SIP edge unreachable: ${errorMessage(err)}` });
      return;
    }
    if (call.ended) return; // the visitor left while we connected
    try {
      const target = UserAgent.makeURI(`sip:${request.number}@${this.#options.domain}`);
      if (!target) throw new Error(`cannot form a SIP URI for ${request.number}`);
      const inviter = new Inviter(ua, target, { params: { fromDisplayName: request.displayName } });
      this.#handlers.set(inviter, new RtpDescriptionHandler(media));
      const handler = this.#handlers.get(inviter);
      if (handler) call.place(inviter, handler);
    } catch (err) {
      call.finish({ outcome: 'failed', reason: `INVITE not sent: ${errorMessage(err)}` });
    }
  }
}
