/**
 * The phone leg's figures (bench group `sip`, ~1.5 min), through the SIP edge on loopback: Kamailio with
 * the shipped cfg, the real panel in-process (sip-panel.ts: phone fallback, media process, sim relay),
 * and scripted-phone.ts as the resident's phone, registered at the edge, which stamps every packet it
 * sends. Every call: the bell of a resident with no app device but a phone number is rung through the
 * panel's API, the phone rings (180) and answers, waits for the panel's RTP (the prompt) and sends one
 * '5' — by RFC 4733 on odd calls, by SIP INFO on even ones — then the visitor hangs up.
 *  - sip_invite_to_ringing_p50_ms: the router's decision to call the phone (the `call.phone_dialing` row
 *    announced) → the phone's 180 Ringing as the panel sees it (the `call.phone_ringing` row): sip.js
 *    INVITE over WebSocket, the edge's auth/route/lookup, UDP to the phone and the 180 back.
 *  - dtmf_to_relay_p99_ms: the first end packet of the digit's RFC 4733 event handed to the kernel by the
 *    phone → the main entrance's relay energized (the media process's receiver reports a digit at its
 *    first end packet; then IPC to the panel, the door's decision row, the relay).
 *  - dtmf_to_relay_p99_ms_sip_info: the phone's SIP INFO (application/dtmf-relay) sent → relay energized.
 * Both clocks are performance.timeOrigin + performance.now() of processes on one machine.
 * sip-wan.ts measures the same calls across the WAN lab.
 */
import { ScriptedPhone, wallNow } from '../lab/scripted-phone.ts';
import { LAB_SIP_DOMAIN, startSipEdge } from '../lab/sip-edge.ts';
import { until } from '../lab/until.ts';
import { PHONE_NUMBER, SipBenchPanel } from './sip-panel.ts';
import { type BenchLine, round, summarize } from './stats.ts';

export const BENCH_PANEL_USER = 'panel-bench-1';
export const BENCH_PANEL_PASSWORD = 'panel-bench-secret-1';
export const BENCH_PHONE_PASSWORD = 'resident-bench-secret-1';
const WARMUP_CALLS = 2;
/** The phone rings this long before it answers. */
export const ANSWER_AFTER_MS = 50;

/** The panel side of a call, in-process or over IPC (sip-panel-child.ts). */
export type BenchPanelSide = Pick<
  SipBenchPanel,
  'ring' | 'row' | 'rows' | 'energizedAfter' | 'hangUp' | 'relocked'
>;

/** The phone side: the scripted phone, in-process or in another namespace. */
export interface BenchPhoneSide {
  /** When the phone received the latest INVITE (before its 100 and 180). */
  lastInviteAt(): Promise<number>;
  /** RTP packets received from the panel so far. */
  rtpReceived(): Promise<number>;
  sendDigit(digit: string): Promise<{ endPacketAt: number; lastPacketAt: number }>;
  /** Sends the digit by SIP INFO; `sentAt`: just before the request went out. */
  sendInfo(digit: string): Promise<{ sentAt: number; status: number }>;
}

export function localPhone(phone: ScriptedPhone): BenchPhoneSide {
  let inviteAt = 0;
  phone.events.on('invite', ({ at }) => {
    inviteAt = at;
  });
  return {
    lastInviteAt: async () => inviteAt,
    rtpReceived: async () => phone.received.packets,
    sendDigit: (digit) => phone.sendDigit(digit),
    sendInfo: async (digit) => {
      const sentAt = wallNow();
      return { sentAt, status: await phone.sendInfo(digit) };
    },
  };
}

export interface SipSamples {
  /** call.phone_dialing → call.phone_ringing (ms). */
  inviteToRinging: number[];
  /** Of which: call.phone_dialing → the INVITE at the phone (media leg opened, sip.js, the edge). */
  dialToInvite: number[];
  /** The ring API called → call.phone_ringing (ms). */
  ringApiToRinging: number[];
  /** RFC 4733: first end packet sent → relay energized (ms). */
  rfc4733: number[];
  /** RFC 4733: last end packet (third retransmission) sent → relay energized (ms). */
  rfc4733FromLast: number[];
  info: number[];
  /** Digits after which the relay did not energize within 3 s. */
  lost: { rfc4733: number; info: number };
}

/** `calls` calls per digit kind (RFC 4733, SIP INFO), alternating, after two warm-up calls. */
export async function measureSipCalls(
  panel: BenchPanelSide,
  phone: BenchPhoneSide,
  calls: number,
): Promise<SipSamples> {
  const s: SipSamples = {
    inviteToRinging: [],
    dialToInvite: [],
    ringApiToRinging: [],
    rfc4733: [],
    rfc4733FromLast: [],
    info: [],
    lost: { rfc4733: 0, info: 0 },
  };
  for (let i = 0; i < WARMUP_CALLS + 2 * calls; i++) {
    const counted = i >= WARMUP_CALLS;
    const byInfo = i % 2 === 1;
    await panel.relocked();
    const { callId, at: ringAt } = await panel.ring();
    try {
      const dialAt = await panel.row(callId, 'call.phone_dialing');
      const ringingAt = await panel.row(callId, 'call.phone_ringing');
      await panel.row(callId, 'call.phone_answered');
      // The digit is sent once the panel's leg runs: its RTP (the prompt) has reached the phone.
      const before = await phone.rtpReceived();
      await until(async () => (await phone.rtpReceived()) > before, "the panel's RTP at the phone", 5000);
      const callStart = ringAt;
      let from: number;
      let fromLast = 0;
      if (byInfo) from = (await phone.sendInfo('5')).sentAt;
      else {
        const sent = await phone.sendDigit('5');
        from = sent.endPacketAt;
        fromLast = sent.lastPacketAt;
      }
      const energizedAt = await panel.energizedAfter(callStart);
      if (!counted) continue;
      s.inviteToRinging.push(ringingAt - dialAt);
      s.dialToInvite.push((await phone.lastInviteAt()) - dialAt);
      s.ringApiToRinging.push(ringingAt - ringAt);
      if (energizedAt === null) s.lost[byInfo ? 'info' : 'rfc4733']++;
      else if (byInfo) s.info.push(energizedAt - from);
      else {
        s.rfc4733.push(energizedAt - from);
        s.rfc4733FromLast.push(energizedAt - fromLast);
      }
    } catch (err) {
      throw new Error(
        `call ${callId}: ${err instanceof Error ? err.message : String(err)}; rows: ${JSON.stringify(await panel.rows(callId))}`,
      );
    } finally {
      await panel.hangUp(callId);
    }
  }
  return s;
}

/** The bench lines of a run; `prefix` 'wan_' for the WAN lab's, `network` says where it was measured. */
export function sipLines(s: SipSamples, prefix: string, network: string): BenchLine[] {
  const ring = summarize(s.inviteToRinging);
  const api = summarize(s.ringApiToRinging);
  const toInvite = summarize(s.dialToInvite);
  const dtmf = summarize(s.rfc4733);
  const last = summarize(s.rfc4733FromLast);
  const info = summarize(s.info);
  const ms = (x: number) => round(x, 2);
  return [
    {
      metric: `${prefix}sip_invite_to_ringing_p50_ms`,
      value: ms(ring.p50),
      unit: 'ms',
      p99: ms(ring.p99),
      max: ms(ring.max),
      n: ring.n,
      dial_to_invite_at_phone_p50_ms: ms(toInvite.p50),
      from_ring_api_p50_ms: ms(api.p50),
      // The target is for the edge on loopback; across the WAN the digest challenge alone is 2 RTT.
      ...(prefix ? {} : { target: 20 }),
      network,
      note: "call.phone_dialing row (router dials) -> call.phone_ringing row (the phone's 180 at the panel); dial_to_invite_at_phone: of which, until the phone had the INVITE (media leg opened in the media process, sip.js, the edge); from_ring_api: bell ring API called -> the 180 at the panel",
    },
    {
      metric: `${prefix}dtmf_to_relay_p99_ms`,
      value: ms(dtmf.p99),
      unit: 'ms',
      p50: ms(dtmf.p50),
      max: ms(dtmf.max),
      n: dtmf.n,
      lost: s.lost.rfc4733,
      from_last_retransmission_p99_ms: ms(last.p99),
      target: 50,
      network,
      note: "RFC 4733 '5': the event's first end packet sent by the phone -> main entrance relay energized (sim GPIO); one digit per call; from_last_retransmission: from the third end packet instead (5 ms apart; negative when the relay moved first)",
    },
    {
      metric: `${prefix}dtmf_to_relay_p99_ms_sip_info`,
      value: ms(info.p99),
      unit: 'ms',
      p50: ms(info.p50),
      max: ms(info.max),
      n: info.n,
      lost: s.lost.info,
      target: 50,
      network,
      note: "SIP INFO application/dtmf-relay '5' sent by the phone (through the edge) -> relay energized; one digit per call",
    },
  ];
}

/** The loopback figures: edge, panel and phone on 127.0.0.1 in this process (the edge is Kamailio's). */
export async function benchSip(options: { calls?: number } = {}): Promise<BenchLine[]> {
  const edge = await startSipEdge();
  let panel: SipBenchPanel | undefined;
  let phone: ScriptedPhone | undefined;
  try {
    edge.addSubscriber(BENCH_PANEL_USER, BENCH_PANEL_PASSWORD, 'panel');
    edge.addSubscriber(PHONE_NUMBER, BENCH_PHONE_PASSWORD, 'phone');
    edge.addRoute(BENCH_PANEL_USER, PHONE_NUMBER);
    phone = await ScriptedPhone.start({
      edge: { host: '127.0.0.1', port: edge.sipPort },
      domain: LAB_SIP_DOMAIN,
      number: PHONE_NUMBER,
      password: BENCH_PHONE_PASSWORD,
      behaviour: 'answer',
      // Answering in the same instant as the 180 lets Kamailio's workers reorder the two: a 200 that
      // overtakes the 180 leaves no ringing to time (sip.js drops the late provisional).
      answerAfterMs: ANSWER_AFTER_MS,
    });
    panel = await SipBenchPanel.start({
      edgeUrl: edge.wsUrl,
      domain: edge.domain,
      username: BENCH_PANEL_USER,
      password: BENCH_PANEL_PASSWORD,
    });
    const samples = await measureSipCalls(panel, localPhone(phone), options.calls ?? 30);
    return sipLines(
      samples,
      '',
      'loopback (lab namespace): panel ws:// -> Kamailio -> UDP phone, all 127.0.0.1',
    );
  } finally {
    await panel?.stop();
    await phone?.stop();
    await edge.stop();
  }
}

if (import.meta.main) {
  for (const line of await benchSip()) console.log(JSON.stringify(line));
}
