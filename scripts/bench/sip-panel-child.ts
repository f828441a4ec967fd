/**
 * The SIP bench's panel (sip-panel.ts) as a child process, for the WAN lab: started inside the panel's
 * namespace (behind NAT router A) with its options as JSON in PORTVAKT_SIP_PANEL, driven over IPC
 * (ipc-rpc.ts) by sip-wan.ts. An argument left out arrives as null (IPC is JSON): defaults apply to both. Its stamps are wallNow(), comparable with the phone's in the inet namespace.
 */
import { serveOverIpc } from '../lab/ipc-rpc.ts';
import { SipBenchPanel, type SipPanelOptions } from './sip-panel.ts';

const options = JSON.parse(process.env['PORTVAKT_SIP_PANEL'] ?? '{}') as SipPanelOptions;
await serveOverIpc(async () => {
  const panel = await SipBenchPanel.start(options);
  const handlers = {
    ring: () => panel.ring(),
    row: (callId: string, type: Parameters<SipBenchPanel['row']>[1], timeoutMs?: number | null) =>
      panel.row(callId, type, timeoutMs ?? undefined),
    rows: (callId: string) => panel.rows(callId),
    energizedAfter: (after: number, timeoutMs?: number | null) =>
      panel.energizedAfter(after, timeoutMs ?? undefined),
    hangUp: (callId: string) => panel.hangUp(callId),
    relocked: () => panel.relocked(),
    stop: async () => {
      await panel.stop();
      setImmediate(() => process.disconnect());
    },
  };
  return { handlers };
});
