/**
 * The phone leg across the WAN lab (bench group `wan-sip`, ~1 min): the SIP edge and the resident's phone
 * on the internet side (the inet namespace, lab/wan/sip-side.ts), the real panel behind NAT router A
 * (sip-panel-child.ts), the panel's wan link shaped to 40 ms RTT (20 ms each way, jitter 1 ms) and 1 %
 * loss each way. The panel reaches the edge over WSS (the lab's certificate, pinned), as a panel outside
 * the edge's host must. Same calls and stamps as the loopback group (sip.ts):
 *  - wan_sip_invite_to_ringing_p50_ms: `call.phone_dialing` → `call.phone_ringing` (INVITE, 407, INVITE
 *    with credentials over the shaped TLS link; the 180 back);
 *  - wan_dtmf_to_relay_p99_ms: the phone's RFC 4733 end packet → relay energized, and the SIP INFO line.
 * Media across NAT A: the panel announces its private address (10.1.0.2) in its SDP and accepts RTP only
 * from the phone's answered address and port. The phone's RTP reaches it only through NAT A's mapping of
 * the panel's own RTP socket, so only a phone that latches (symmetric RTP: send to where the panel's RTP
 * comes from) gets RFC 4733 digits through; `symmetricRtp: false` shows what a phone that believes the SDP
 * gets (every RFC 4733 digit lost; SIP INFO still opens, it rides the signaling).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpcClient } from '../lab/ipc-rpc.ts';
import type { WanSipOptions as SideOptions, WanSipInfo } from '../lab/wan/sip-side.ts';
import { LAB_ADDRESSES, type LabHost, WanLab } from '../lab/wan/topology.ts';
import {
  ANSWER_AFTER_MS,
  BENCH_PANEL_PASSWORD,
  BENCH_PANEL_USER,
  BENCH_PHONE_PASSWORD,
  type BenchPanelSide,
  type BenchPhoneSide,
  measureSipCalls,
  sipLines,
} from './sip.ts';
import { PHONE_NUMBER, type SipPanelOptions } from './sip-panel.ts';
import type { BenchLine } from './stats.ts';

const ONE_WAY_MS = 20;
const LOSS_PCT = 1;

/** A self-signed P-256 certificate for the edge's WSS on `ip`; the panel pins it as its CA. */
function edgeCertificate(dir: string, ip: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'edge.crt');
  const keyFile = join(dir, 'edge.key');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-subj', '/CN=portvakt-lab-edge', '-addext', `subjectAltName=IP:${ip}`, '-days', '2'],
      ...['-keyout', keyFile, '-out', certFile],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 },
  );
  return { certFile, keyFile };
}

export interface WanSipRig {
  panel: BenchPanelSide;
  phone: BenchPhoneSide & { rtpSendErrors(): Promise<number> };
  /** Where it was measured, for the bench lines. */
  network: string;
  stop(): Promise<void>;
}

export interface WanSipOptions {
  /** The phone beside the edge on the internet side (default), or behind NAT router B (cone NAT). */
  phoneAt?: 'inet' | 'app';
  /** The phone latches its RTP onto the panel's (default true). */
  symmetricRtp?: boolean;
}

/** The WAN lab with the edge, the phone and the panel up, the panel registered. */
export async function startWanSip(options: WanSipOptions = {}): Promise<WanSipRig> {
  const symmetricRtp = options.symmetricRtp ?? true;
  const phoneAt = options.phoneAt ?? 'inet';
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-sip-wan-'));
  const lab = await WanLab.create({
    links: { panel: { delayMs: ONE_WAY_MS, jitterMs: 1, lossPct: LOSS_PCT } },
    appNat: 'cone',
  });
  const clients: IpcClient[] = [];
  const stop = async () => {
    for (const client of clients.reverse()) await client.call('stop').catch(() => {});
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  const child = <T>(host: LabHost, script: string, env: Record<string, string>) =>
    IpcClient.connect<T>(
      lab.spawn(host, process.execPath, [new URL(script, import.meta.url).pathname], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { ...process.env, ...env },
      }),
    );
  try {
    const tls = edgeCertificate(dir, LAB_ADDRESSES.servers);
    const phone = (bindAddress: string, edgeSipPort?: number): SideOptions['phone'] => ({
      bindAddress,
      answerAfterMs: ANSWER_AFTER_MS,
      symmetricRtp,
      ...(edgeSipPort === undefined ? {} : { edgeSipPort }),
    });
    const sideOptions = (o: Omit<SideOptions, 'number' | 'phonePassword'>): string =>
      JSON.stringify({
        ...o,
        number: PHONE_NUMBER,
        phonePassword: BENCH_PHONE_PASSWORD,
      } satisfies SideOptions);
    const edge = await child<WanSipInfo>('inet', '../lab/wan/sip-side.ts', {
      PORTVAKT_WAN_SIP: sideOptions({
        edge: { tls, panelUser: BENCH_PANEL_USER, panelPassword: BENCH_PANEL_PASSWORD },
        ...(phoneAt === 'inet' ? { phone: phone(LAB_ADDRESSES.servers) } : {}),
      }),
    });
    clients.push(edge.client);
    let phoneClient = edge.client;
    if (phoneAt === 'app') {
      const behindNat = await child<WanSipInfo>('app', '../lab/wan/sip-side.ts', {
        PORTVAKT_WAN_SIP: sideOptions({ phone: phone(LAB_ADDRESSES.app, edge.ready.sipPort) }),
      });
      clients.push(behindNat.client);
      phoneClient = behindNat.client;
    }
    const panelOptions: SipPanelOptions = {
      edgeUrl: edge.ready.wssUrl!,
      domain: edge.ready.domain,
      username: BENCH_PANEL_USER,
      password: BENCH_PANEL_PASSWORD,
      ca: tls.certFile,
    };
    const panelChild = await child<null>('panel', './sip-panel-child.ts', {
      PORTVAKT_SIP_PANEL: JSON.stringify(panelOptions),
    });
    clients.push(panelChild.client);
    const p = panelChild.client;
    const s = phoneClient;
    const where =
      phoneAt === 'inet' ? 'phone beside it on the internet side' : 'phone behind NAT (router B, cone)';
    return {
      panel: {
        ring: () => p.call('ring'),
        row: (callId, type, timeoutMs) => p.call('row', callId, type, timeoutMs),
        rows: (callId) => p.call('rows', callId),
        energizedAfter: (after, timeoutMs) => p.call('energizedAfter', after, timeoutMs),
        hangUp: (callId) => p.call('hangUp', callId),
        relocked: () => p.call('relocked'),
      },
      phone: {
        lastInviteAt: () => s.call('lastInviteAt'),
        rtpReceived: () => s.call('rtpReceived'),
        rtpSendErrors: () => s.call('rtpSendErrors'),
        sendDigit: (digit) => s.call('sendDigit', digit),
        sendInfo: (digit) => s.call('sendInfo', digit),
      },
      network:
        `WAN lab: panel behind NAT (router A) -> WSS -> Kamailio on the internet side, ${where} (UDP, ` +
        `${symmetricRtp ? 'symmetric RTP' : 'RTP to the SDP address'}); ${2 * ONE_WAY_MS} ms RTT, ` +
        `${LOSS_PCT} % loss each way, jitter 1 ms on the panel's wan link`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function benchSipWan(options: WanSipOptions & { calls?: number } = {}): Promise<BenchLine[]> {
  const rig = await startWanSip(options);
  try {
    const samples = await measureSipCalls(rig.panel, rig.phone, options.calls ?? 20);
    return sipLines(samples, 'wan_', rig.network);
  } finally {
    await rig.stop();
  }
}

if (import.meta.main) {
  const symmetricRtp = !process.argv.includes('--no-symmetric-rtp');
  const phoneAt = process.argv.includes('--phone-behind-nat') ? 'app' : 'inet';
  const calls = Number(process.argv[process.argv.indexOf('--calls') + 1]) || undefined;
  for (const line of await benchSipWan({ calls, symmetricRtp, phoneAt })) console.log(JSON.stringify(line));
}
