/**
 * A phone for labs and benchmarks, written here so every packet's timing is known: it registers at the
 * SIP edge over UDP as a resident's number, and answers (or rings, is busy, declines, fails) the panel's calls
 * as told. Once answered it sends RFC 4733 digits, SIP INFO digits or G.711 payloads from its own RTP
 * port and reports when it sent them (performance.timeOrigin + performance.now(), comparable across
 * processes on one machine). baresip and sipp are the independent phones of the tests; this one is the
 * stopwatch (dtmf_to_relay_p99_ms).
 */
import { createSocket, type Socket } from 'node:dgram';
import { SafeEmitter } from '../../lib/events.ts';
import {
  cseqMethod,
  digestAnswer,
  formatSip,
  header,
  headers,
  isResponse,
  methodOf,
  newBranch,
  newTag,
  parseSip,
  responseTo,
  type SipMessage,
  sdpAudio,
  statusOf,
  uriOf,
} from './sip-message.ts';
import { until } from './until.ts';

export type PhoneBehaviour = 'answer' | 'ring' | 'busy' | 'decline' | 'fail';

export interface ScriptedPhoneOptions {
  /** The edge's UDP listener. */
  edge: { host: string; port: number };
  domain: string;
  number: string;
  password: string;
  behaviour?: PhoneBehaviour;
  /** 'answer': how long it rings before the 200 OK. */
  answerAfterMs?: number;
  /** The address its SIP and RTP sockets bind to and it announces (default 127.0.0.1). */
  bindAddress?: string;
  /**
   * Symmetric RTP ("comedia", latching): once the panel's RTP arrives, send to where it came from rather
   * than to the SDP's address — what phones and trunks do so media crosses the far side's NAT.
   */
  symmetricRtp?: boolean;
}

type PhoneEvents = {
  invite: { at: number };
  established: { at: number };
  ended: { by: 'panel' | 'phone'; at: number };
};

interface Dialog {
  invite: SipMessage;
  localTag: string;
  remote: { address: string; port: number };
  telephoneEventPt: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  cseq: number;
}

export const wallNow = (): number => performance.timeOrigin + performance.now();

export class ScriptedPhone {
  readonly events = new SafeEmitter<PhoneEvents>();
  /** G.711 packets received from the panel, and how many carried more than silence. */
  readonly received = { packets: 0, nonSilent: 0 };
  behaviour: PhoneBehaviour;
  answerAfterMs: number;
  readonly #o: ScriptedPhoneOptions;
  readonly #sip: Socket;
  readonly #rtp: Socket;
  #dialog: Dialog | undefined;
  /** An INVITE it is ringing for (not yet answered): a CANCEL ends it with 487. */
  #unanswered: { invite: SipMessage; localTag: string } | undefined;
  #pending = new Map<string, (m: SipMessage) => void>();
  #rtpSendErrors = 0;

  private constructor(options: ScriptedPhoneOptions, sip: Socket, rtp: Socket) {
    this.#o = options;
    this.#sip = sip;
    this.#rtp = rtp;
    this.behaviour = options.behaviour ?? 'answer';
    this.answerAfterMs = options.answerAfterMs ?? 0;
    sip.on('message', (data) => this.#onSip(data));
    rtp.on('message', (packet, from) => this.#onRtp(packet, from));
  }

  #onRtp(packet: Buffer, from: { address: string; port: number }): void {
    // Latching: the panel's packets come from where its side of the call really is (its NAT's mapping).
    if (this.#dialog && this.#o.symmetricRtp)
      this.#dialog.remote = { address: from.address, port: from.port };
    const pt = (packet[1] ?? 0) & 0x7f;
    if (packet.length <= 12 || (pt !== 0 && pt !== 8)) return;
    this.received.packets++;
    // µ-law silence is 0xFF/0x7F, A-law 0xD5/0x55: anything else in most of the frame is sound.
    const quiet = pt === 0 ? [0xff, 0x7f, 0xfe, 0x7e] : [0xd5, 0x55, 0xd4, 0x54];
    let loud = 0;
    for (let i = 12; i < packet.length; i++) if (!quiet.includes(packet[i]!)) loud++;
    if (loud > (packet.length - 12) / 2) this.received.nonSilent++;
  }

  /** Binds its SIP and RTP ports on `bindAddress` (127.0.0.1) and registers. */
  static async start(options: ScriptedPhoneOptions): Promise<ScriptedPhone> {
    const bind = async () => {
      const s = createSocket('udp4');
      await new Promise<void>((resolve) => s.bind(0, options.bindAddress ?? '127.0.0.1', resolve));
      return s;
    };
    const phone = new ScriptedPhone(options, await bind(), await bind());
    await phone.#register();
    return phone;
  }

  get established(): boolean {
    return this.#dialog !== undefined;
  }

  async stop(): Promise<void> {
    this.#sip.close();
    this.#rtp.close();
  }

  /**
   * RFC 4733: `durationMs` of event packets every 20 ms, then the end packet three times. `endPacketAt`:
   * when the first end packet went out (the digit is complete from then on); `lastPacketAt`: the last
   * of its retransmissions.
   */
  async sendDigit(digit: string, durationMs = 100): Promise<{ endPacketAt: number; lastPacketAt: number }> {
    const d = this.#need();
    const event = '0123456789*#ABCD'.indexOf(digit);
    if (event < 0) throw new Error(`not a DTMF digit: ${digit}`);
    const start = d.timestamp;
    const steps = Math.max(1, Math.round(durationMs / 20));
    let lastPacketAt = 0;
    let endPacketAt = 0;
    for (let i = 1; i <= steps + 3; i++) {
      const end = i > steps;
      const duration = Math.min(i, steps) * 160;
      const payload = Buffer.from([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
      // Stamped as it is handed to the kernel: the receiver may act on it before the send's callback.
      if (end && endPacketAt === 0) endPacketAt = wallNow();
      await this.#sendRtp(d, d.telephoneEventPt, payload, start, i === 1);
      lastPacketAt = wallNow();
      if (i < steps + 3) await new Promise((r) => setTimeout(r, end ? 5 : 20));
    }
    d.timestamp = (start + steps * 160) >>> 0;
    return { endPacketAt, lastPacketAt };
  }

  /** G.711 payloads (e.g. µ-law tones), one 20 ms frame (160 bytes) per packet, paced in real time. */
  async sendAudio(payloadType: number, frames: Buffer[]): Promise<{ lastPacketAt: number }> {
    const d = this.#need();
    let lastPacketAt = 0;
    for (const frame of frames) {
      await this.#sendRtp(d, payloadType, frame, d.timestamp, false);
      lastPacketAt = wallNow();
      d.timestamp = (d.timestamp + frame.length) >>> 0;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { lastPacketAt };
  }

  /** A digit by SIP INFO in the dialog (`application/dtmf-relay` or `application/dtmf`). */
  async sendInfo(digit: string, type: 'dtmf-relay' | 'dtmf' = 'dtmf-relay'): Promise<number> {
    const body = type === 'dtmf' ? digit : `Signal=${digit}\r\nDuration=160\r\n`;
    const reply = await this.#inDialog('INFO', [['Content-Type', `application/${type}`]], body);
    return statusOf(reply);
  }

  /** Hangs up an answered call (BYE). */
  async hangUp(): Promise<void> {
    await this.#inDialog('BYE');
    this.#dialog = undefined;
    this.events.emit('ended', { by: 'phone', at: wallNow() });
  }

  #need(): Dialog {
    if (!this.#dialog) throw new Error('no call is established');
    return this.#dialog;
  }

  async #sendRtp(d: Dialog, pt: number, payload: Buffer, timestamp: number, marker: boolean): Promise<void> {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | pt;
    header.writeUInt16BE(d.seq, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(d.ssrc, 8);
    d.seq = (d.seq + 1) & 0xffff;
    // A packet to an address nobody routes (a private address across NAT) is lost, as on the internet:
    // counted, not thrown, so the call goes on as a real phone's would.
    await new Promise<void>((resolve) =>
      this.#rtp.send(Buffer.concat([header, payload]), d.remote.port, d.remote.address, (err) => {
        if (err) this.#rtpSendErrors++;
        resolve();
      }),
    );
  }

  /** RTP packets the kernel refused to send (no route to the SDP's address). */
  get rtpSendErrors(): number {
    return this.#rtpSendErrors;
  }

  get #local(): string {
    const a = this.#sip.address();
    return `${a.address}:${a.port}`;
  }

  async #register(): Promise<void> {
    const { domain, number } = this.#o;
    const callId = `${newTag()}@lab`;
    const tag = newTag();
    const send = (cseq: number, auth: [string, string][]) =>
      this.#request(
        formatSip(`REGISTER sip:${domain} SIP/2.0`, [
          ['Via', `SIP/2.0/UDP ${this.#local};rport;branch=${newBranch()}`],
          ['Max-Forwards', '70'],
          ['From', `<sip:${number}@${domain}>;tag=${tag}`],
          ['To', `<sip:${number}@${domain}>`],
          ['Call-ID', callId],
          ['CSeq', `${cseq} REGISTER`],
          ['Contact', `<sip:${number}@${this.#local}>`],
          ['Expires', '3600'],
          ...auth,
        ]),
        callId,
      );
    let reply = await send(1, []);
    if (statusOf(reply) === 401 || statusOf(reply) === 407) {
      const challenge = header(reply, 'www-authenticate') ?? header(reply, 'proxy-authenticate') ?? '';
      const name = statusOf(reply) === 401 ? 'Authorization' : 'Proxy-Authorization';
      reply = await send(2, [
        [
          name,
          digestAnswer(
            challenge,
            { username: number, password: this.#o.password },
            'REGISTER',
            `sip:${domain}`,
          ),
        ],
      ]);
    }
    if (statusOf(reply) !== 200) throw new Error(`REGISTER of ${number} refused: ${reply.startLine}`);
  }

  /** Sends a request and resolves with its final response (by Call-ID and CSeq method). */
  #request(text: string, callId: string): Promise<SipMessage> {
    const method = text.split(' ')[0] ?? '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 5000);
      this.#pending.set(`${callId} ${method}`, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.#sip.send(text, this.#o.edge.port, this.#o.edge.host);
    });
  }

  async #inDialog(method: string, extra: [string, string][] = [], body = ''): Promise<SipMessage> {
    const d = this.#need();
    const callId = header(d.invite, 'call-id') ?? '';
    const routes = headers(d.invite, 'record-route').flatMap((r) =>
      r.split(/,(?=\s*<)/).map((x) => x.trim()),
    );
    const target = uriOf(header(d.invite, 'contact') ?? '');
    // The callee's in-dialog requests go to the caller's Contact through the route set, first entry first.
    const first = routes[0] ? uriOf(routes[0]) : target;
    const m = /sip:(?:[^@]+@)?([^:;>]+):?(\d+)?/.exec(first);
    d.cseq++;
    const text = formatSip(
      `${method} ${target} SIP/2.0`,
      [
        ['Via', `SIP/2.0/UDP ${this.#local};rport;branch=${newBranch()}`],
        ['Max-Forwards', '70'],
        ['From', `${header(d.invite, 'to') ?? ''};tag=${d.localTag}`],
        ['To', header(d.invite, 'from') ?? ''],
        ['Call-ID', callId],
        ['CSeq', `${d.cseq} ${method}`],
        ...routes.map((r) => ['Route', r] as [string, string]),
        ...extra,
      ],
      body,
    );
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 5000);
      this.#pending.set(`${callId} ${method}`, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.#sip.send(text, Number(m?.[2] ?? 5060), m?.[1] ?? this.#o.edge.host);
    });
  }

  #onSip(data: Buffer): void {
    const m = parseSip(data);
    if (!m) return;
    if (isResponse(m)) {
      if (statusOf(m) < 200) return;
      const key = `${header(m, 'call-id')} ${cseqMethod(m)}`;
      const waiter = this.#pending.get(key);
      this.#pending.delete(key);
      waiter?.(m);
      return;
    }
    const reply = (text: string) => this.#sip.send(text, this.#o.edge.port, this.#o.edge.host);
    const method = methodOf(m);
    if (method === 'INVITE') void this.#onInvite(m, reply);
    else if (method === 'BYE') {
      reply(responseTo(m, 200, 'OK'));
      if (this.#dialog) this.events.emit('ended', { by: 'panel', at: wallNow() });
      this.#dialog = undefined;
    } else if (method === 'CANCEL') {
      reply(responseTo(m, 200, 'OK'));
      // RFC 3261 9.2: the cancelled INVITE gets its final answer too, or the edge keeps its transaction
      // (and the panel's next call fails until it times out).
      const ringing = this.#unanswered;
      if (ringing && header(ringing.invite, 'call-id') === header(m, 'call-id')) {
        this.#unanswered = undefined;
        reply(responseTo(ringing.invite, 487, 'Request Terminated', [], '', ringing.localTag));
      }
      this.events.emit('ended', { by: 'panel', at: wallNow() });
    } else if (method !== 'ACK') reply(responseTo(m, 200, 'OK'));
  }

  async #onInvite(invite: SipMessage, reply: (text: string) => void): Promise<void> {
    this.events.emit('invite', { at: wallNow() });
    const localTag = newTag();
    const contact: [string, string][] = [['Contact', `<sip:${this.#o.number}@${this.#local}>`]];
    reply(responseTo(invite, 100, 'Trying'));
    if (this.behaviour === 'busy') return reply(responseTo(invite, 486, 'Busy Here', [], '', localTag));
    if (this.behaviour === 'decline') return reply(responseTo(invite, 603, 'Decline', [], '', localTag));
    if (this.behaviour === 'fail')
      return reply(responseTo(invite, 500, 'Server Internal Error', [], '', localTag));
    reply(responseTo(invite, 180, 'Ringing', contact, '', localTag));
    this.#unanswered = { invite, localTag };
    if (this.behaviour === 'ring') return;
    if (this.answerAfterMs) await new Promise((r) => setTimeout(r, this.answerAfterMs));
    if (this.#unanswered?.invite !== invite) return;
    this.#unanswered = undefined;
    const offer = sdpAudio(invite.body);
    const te = /^a=rtpmap:(\d+) telephone-event\/8000/m.exec(invite.body)?.[1];
    if (!offer) return reply(responseTo(invite, 488, 'Not Acceptable Here', [], '', localTag));
    const rtp = this.#rtp.address();
    const sdp = [
      'v=0',
      `o=lab 1 1 IN IP4 ${rtp.address}`,
      's=-',
      `c=IN IP4 ${rtp.address}`,
      't=0 0',
      `m=audio ${rtp.port} RTP/AVP 0${te ? ` ${te}` : ''}`,
      'a=rtpmap:0 PCMU/8000',
      ...(te ? [`a=rtpmap:${te} telephone-event/8000`, `a=fmtp:${te} 0-15`] : []),
      'a=sendrecv',
      '',
    ].join('\r\n');
    this.#dialog = {
      invite,
      localTag,
      remote: { address: offer.address, port: offer.port },
      telephoneEventPt: Number(te ?? 101),
      seq: 1,
      timestamp: 0,
      ssrc: (Math.random() * 0xffffffff) >>> 0 || 1,
      cseq: 0,
    };
    reply(responseTo(invite, 200, 'OK', [...contact, ['Content-Type', 'application/sdp']], sdp, localTag));
    this.events.emit('established', { at: wallNow() });
  }
}

/** Waits until the phone has a call established (answered), for tests and benches. */
export const untilEstablished = (phone: ScriptedPhone, timeoutMs = 10_000) =>
  until(() => phone.established, 'the phone to answer', timeoutMs);
