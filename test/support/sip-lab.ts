/**
 * The SIP dialer's test bench: a SIP edge (Kamailio, shipped cfg) with one panel login allowed to call
 * the resident numbers the test names, and a SipDialer logged in as that panel over plain WS (loopback) —
 * or WSS when the test passes a CA — with a UDP media leg per call.
 */
import { SipDialer } from '../../device/phone/sip/sip-dialer.ts';
import type { PhoneCall, PhoneCallEvents, PhoneCallRequest } from '../../device/phone/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { type SipEdgeHandle, type StartSipEdgeOptions, startSipEdge } from '../../scripts/lab/sip-edge.ts';
import { until } from '../../scripts/lab/until.ts';
import { UdpMediaLeg } from './udp-media-leg.ts';

export const PANEL_USER = 'panel-lab-1';
export const PANEL_PASSWORD = 'panel-lab-secret-0001';

export async function startLabEdge(options: StartSipEdgeOptions = {}): Promise<SipEdgeHandle> {
  const edge = await startSipEdge(options);
  edge.addSubscriber(PANEL_USER, PANEL_PASSWORD, 'panel');
  return edge;
}

export interface DialerOptions {
  url?: string;
  username?: string;
  password?: string;
  ca?: string;
  clock?: Clock;
}

export async function startDialer(edge: SipEdgeHandle, options: DialerOptions = {}): Promise<SipDialer> {
  const dialer = new SipDialer({
    edgeUrl: options.url ?? edge.wsUrl,
    domain: edge.domain,
    username: options.username ?? PANEL_USER,
    password: options.password ?? PANEL_PASSWORD,
    ca: options.ca,
    clock: options.clock ?? new SystemClock(),
    logger: silentLogger,
    connectTimeoutMs: 2000,
  });
  await dialer.start();
  return dialer;
}

/** A placed call with everything it emitted, in order. */
export interface WatchedCall {
  call: PhoneCall;
  leg: UdpMediaLeg;
  log: Array<
    { [K in keyof PhoneCallEvents]: { event: K; payload: PhoneCallEvents[K] } }[keyof PhoneCallEvents]
  >;
  ended(timeoutMs?: number): Promise<PhoneCallEvents['ended']>;
  saw(event: keyof PhoneCallEvents, timeoutMs?: number): Promise<void>;
  digits(): string;
}

export function request(number: string, overrides: Partial<PhoneCallRequest> = {}): PhoneCallRequest {
  return {
    callId: `call-${number}`,
    number,
    displayName: 'Storgatan 12',
    ringTimeoutS: 10,
    maxCallS: 60,
    ...overrides,
  };
}

const open = new Set<WatchedCall>();

/** Ends every call still up (for afterEach) and waits until each has ended. */
export async function endAll(): Promise<void> {
  const calls = [...open];
  open.clear();
  for (const c of calls) c.call.end();
  await Promise.all(calls.map((c) => c.ended()));
}

export async function placeCall(dialer: SipDialer, req: PhoneCallRequest): Promise<WatchedCall> {
  const leg = await UdpMediaLeg.open();
  const call = dialer.dial(req, leg);
  const log: WatchedCall['log'] = [];
  call.events.on('ringing', (payload) => log.push({ event: 'ringing', payload }));
  call.events.on('answered', (payload) => log.push({ event: 'answered', payload }));
  call.events.on('digit', (payload) => log.push({ event: 'digit', payload }));
  call.events.on('ended', (payload) => {
    log.push({ event: 'ended', payload });
    void leg.close();
  });
  const watched: WatchedCall = {
    call,
    leg,
    log,
    async ended(timeoutMs = 10_000) {
      const entry = await until(() => log.find((e) => e.event === 'ended'), 'the call to end', timeoutMs);
      return entry.payload as PhoneCallEvents['ended'];
    },
    async saw(event, timeoutMs = 10_000) {
      await until(() => log.some((e) => e.event === event), `the call's ${event} event`, timeoutMs);
    },
    digits: () =>
      log
        .filter((e) => e.event === 'digit')
        .map((e) => (e.payload as PhoneCallEvents['digit']).digit)
        .join(''),
  };
  open.add(watched);
  call.events.on('ended', () => open.delete(watched));
  return watched;
}
