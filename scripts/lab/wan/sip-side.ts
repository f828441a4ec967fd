/**
 * The SIP side of the WAN lab as a child process in one of its namespaces, driven over IPC (ipc-rpc.ts)
 * by sip-wan.ts; options as JSON in PORTVAKT_WAN_SIP.
 *  - `edge`: the SIP edge (Kamailio, shipped cfg, WSS with the lab's certificate) on the servers address
 *    (inet namespace), with the panel's login and route and the phone's login;
 *  - `phone`: the resident's phone (scripted-phone.ts) bound to `bindAddress`, registered at the edge (the
 *    one started here, or `edgeSipPort` on the servers address). Beside the edge it stands for a phone or
 *    trunk with a public address; in the app namespace, for a phone behind NAT router B.
 *    `symmetricRtp`: it sends RTP to where the panel's RTP comes from (latching, as trunks and SBCs do)
 *    instead of the address in the panel's SDP.
 */
import { serveOverIpc } from '../ipc-rpc.ts';
import { ScriptedPhone, wallNow } from '../scripted-phone.ts';
import { LAB_SIP_DOMAIN, type SipEdgeHandle, startSipEdge } from '../sip-edge.ts';
import { LAB_ADDRESSES } from './topology.ts';

export interface WanSipOptions {
  edge?: {
    tls: { certFile: string; keyFile: string };
    panelUser: string;
    panelPassword: string;
  };
  phone?: {
    bindAddress: string;
    /** The edge's UDP port on the servers address when it runs in another process. */
    edgeSipPort?: number;
    answerAfterMs: number;
    symmetricRtp: boolean;
  };
  number: string;
  phonePassword: string;
}

export interface WanSipInfo {
  wssUrl?: string;
  sipPort?: number;
  domain: string;
}

const o = JSON.parse(process.env['PORTVAKT_WAN_SIP'] ?? '{}') as WanSipOptions;
const address = LAB_ADDRESSES.servers;
await serveOverIpc(async () => {
  let edge: SipEdgeHandle | undefined;
  let phone: ScriptedPhone | undefined;
  try {
    if (o.edge) {
      edge = await startSipEdge({ address, tls: o.edge.tls });
      edge.addSubscriber(o.edge.panelUser, o.edge.panelPassword, 'panel');
      edge.addSubscriber(o.number, o.phonePassword, 'phone');
      edge.addRoute(o.edge.panelUser, o.number);
    }
    if (o.phone) {
      phone = await ScriptedPhone.start({
        edge: { host: address, port: edge?.sipPort ?? o.phone.edgeSipPort ?? 5060 },
        domain: LAB_SIP_DOMAIN,
        number: o.number,
        password: o.phonePassword,
        behaviour: 'answer',
        answerAfterMs: o.phone.answerAfterMs,
        bindAddress: o.phone.bindAddress,
        symmetricRtp: o.phone.symmetricRtp,
      });
    }
  } catch (err) {
    await edge?.stop();
    throw err;
  }
  let inviteAt = 0;
  phone?.events.on('invite', ({ at }) => {
    inviteAt = at;
  });
  const need = (): ScriptedPhone => {
    if (!phone) throw new Error('no phone runs in this process');
    return phone;
  };
  const info: WanSipInfo = {
    ...(edge ? { wssUrl: edge.wssUrl!, sipPort: edge.sipPort } : {}),
    domain: LAB_SIP_DOMAIN,
  };
  return {
    info,
    handlers: {
      lastInviteAt: async () => inviteAt,
      rtpReceived: async () => need().received.packets,
      rtpSendErrors: async () => need().rtpSendErrors,
      sendDigit: (digit: string) => need().sendDigit(digit),
      sendInfo: async (digit: string) => {
        const sentAt = wallNow();
        return { sentAt, status: await need().sendInfo(digit) };
      },
      edgeOutput: async () => edge?.output() ?? '',
      stop: async () => {
        await phone?.stop();
        await edge?.stop();
        setImmediate(() => process.disconnect());
      },
    },
  };
});
