/**
 * The SIP side of the WAN lab as a child in the inet namespace: the SIP edge (Kamailio, shipped cfg,
 * WSS with the lab's certificate) on the servers address, the panel's login and route, and the resident's
 * phone (scripted-phone.ts) beside it on the internet side — a phone or trunk with a public address.
 * Options as JSON in PORTVAKT_WAN_SIP; driven over IPC (ipc-rpc.ts) by sip-wan.ts.
 * `symmetricRtp`: the phone sends its RTP to where the panel's RTP comes from (latching, as trunks and
 * SBCs do) instead of the address in the panel's SDP.
 */
import { serveOverIpc } from '../ipc-rpc.ts';
import { ScriptedPhone, wallNow } from '../scripted-phone.ts';
import { startSipEdge } from '../sip-edge.ts';
import { LAB_ADDRESSES } from './topology.ts';

export interface WanSipOptions {
  tls: { certFile: string; keyFile: string };
  panelUser: string;
  panelPassword: string;
  number: string;
  phonePassword: string;
  answerAfterMs: number;
  symmetricRtp: boolean;
}

export interface WanSipInfo {
  wssUrl: string;
  domain: string;
}

const o = JSON.parse(process.env['PORTVAKT_WAN_SIP'] ?? '{}') as WanSipOptions;
await serveOverIpc(async () => {
  const address = LAB_ADDRESSES.servers;
  const edge = await startSipEdge({ address, tls: o.tls });
  let phone: ScriptedPhone;
  try {
    edge.addSubscriber(o.panelUser, o.panelPassword, 'panel');
    edge.addSubscriber(o.number, o.phonePassword, 'phone');
    edge.addRoute(o.panelUser, o.number);
    phone = await ScriptedPhone.start({
      edge: { host: address, port: edge.sipPort },
      domain: edge.domain,
      number: o.number,
      password: o.phonePassword,
      behaviour: 'answer',
      answerAfterMs: o.answerAfterMs,
      bindAddress: address,
      symmetricRtp: o.symmetricRtp,
    });
  } catch (err) {
    await edge.stop();
    throw err;
  }
  let inviteAt = 0;
  phone.events.on('invite', ({ at }) => {
    inviteAt = at;
  });
  const info: WanSipInfo = { wssUrl: edge.wssUrl!, domain: edge.domain };
  return {
    info,
    handlers: {
      lastInviteAt: async () => inviteAt,
      rtpReceived: async () => phone.rtpReceived,
      sendDigit: (digit: string) => phone.sendDigit(digit),
      sendInfo: async (digit: string) => {
        const sentAt = wallNow();
        return { sentAt, status: await phone.sendInfo(digit) };
      },
      edgeOutput: async () => edge.output(),
      stop: async () => {
        await phone.stop();
        await edge.stop();
        setImmediate(() => process.disconnect());
      },
    },
  };
});
