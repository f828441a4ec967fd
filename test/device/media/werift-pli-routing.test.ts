/**
 * Canary for the werift quirk that device/media/peer.ts works around: payload-specific feedback is
 * routed by the *sender* SSRC first, so a viewer that also sends audio has its video PLIs delivered to
 * the audio receiver and RTCRtpSender.onPictureLossIndication never fires. If this test fails after a
 * werift upgrade, werift routes PLIs by media SSRC now and the workaround may go (keep the FIR part).
 */

import { afterAll, describe, expect, it } from 'vitest';
import {
  MediaStreamTrack,
  PictureLossIndication,
  RTCPeerConnection,
  type RTCRtpTransceiver,
  RtcpPayloadSpecificFeedback,
} from 'werift';
import { until } from '../../../scripts/lab/until.ts';
import { MEDIA_WAIT_MS } from './harness.ts';

const loopback = {
  iceServers: [],
  iceUseIpv6: false,
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceFilterCandidatePair: (pair: { localCandidate: { host: string }; remoteCandidate: { host: string } }) =>
    pair.localCandidate.host.startsWith('127.') && pair.remoteCandidate.host.startsWith('127.'),
};

async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000);
}

const pcs: RTCPeerConnection[] = [];
afterAll(async () => {
  await Promise.all(pcs.map((pc) => pc.close()));
});

describe('werift 0.25.2 RTCP routing', () => {
  it('delivers a PLI whose sender SSRC is a known audio stream to the audio receiver, not the video sender', async () => {
    const panel = new RTCPeerConnection(loopback);
    const viewer = new RTCPeerConnection(loopback);
    pcs.push(panel, viewer);
    const video = panel.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendonly' });
    panel.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendrecv' });
    let senderPlis = 0;
    video.sender.onPictureLossIndication.subscribe(() => senderPlis++);
    let transportPlis = 0;

    await panel.setLocalDescription(await panel.createOffer());
    await gathered(panel);
    await viewer.setRemoteDescription(panel.localDescription!);
    const viewerAudio = viewer.getTransceivers().find((t) => t.kind === 'audio') as RTCRtpTransceiver;
    await viewerAudio.sender.replaceTrack(new MediaStreamTrack({ kind: 'audio' }));
    viewerAudio.setDirection('sendrecv');
    await viewer.setLocalDescription(await viewer.createAnswer());
    await gathered(viewer);
    await panel.setRemoteDescription(viewer.localDescription!);
    await until(
      () => panel.connectionState === 'connected' && viewer.connectionState === 'connected',
      'connected',
      MEDIA_WAIT_MS,
    );
    panel.dtlsTransports[0]!.onRtcp.subscribe((p) => {
      if (p instanceof RtcpPayloadSpecificFeedback && p.feedback instanceof PictureLossIndication)
        transportPlis++;
    });

    const pli = (senderSsrc: number) =>
      viewer.dtlsTransports[0]!.sendRtcp([
        new RtcpPayloadSpecificFeedback({
          feedback: new PictureLossIndication({ senderSsrc, mediaSsrc: video.sender.ssrc }),
        }),
      ]);
    // As Chrome does: the viewer's own audio SSRC as sender SSRC.
    await pli(viewerAudio.sender.ssrc);
    await until(() => transportPlis === 1, 'the PLI at the DTLS transport', MEDIA_WAIT_MS);
    expect(senderPlis).toBe(0);
    // A sender SSRC werift does not know falls through to the media SSRC and works.
    await pli(12345);
    await until(() => transportPlis === 2, 'the second PLI', MEDIA_WAIT_MS);
    await until(() => senderPlis === 1, 'the video sender to see it', 2000);
  });
});
