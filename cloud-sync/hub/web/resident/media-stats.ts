/**
 * Media counters for `window.portvaktApp`: frames presented to the video element (through
 * requestVideoFrameCallback), and frames decoded and bytes received/sent from the peer connection's
 * getStats(), polled while the call lasts.
 */
import { type CallStatus, wallNow } from './status.ts';

export function watchVideo(video: HTMLVideoElement, call: CallStatus, alive: () => boolean): void {
  if (typeof video.requestVideoFrameCallback !== 'function') return;
  const onFrame = () => {
    if (!alive()) return;
    call.framesRendered++;
    call.firstFrameAt ??= wallNow();
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

/** Polls getStats() every `everyMs`; returns the function that stops it. */
export function pollStats(pc: RTCPeerConnection, call: CallStatus, everyMs = 250): () => void {
  const poll = async () => {
    try {
      const report = await pc.getStats();
      report.forEach((s: RTCStats & Record<string, unknown>) => {
        const kind = s['kind'];
        if (s.type === 'inbound-rtp' && kind === 'video') {
          call.framesDecoded = Number(s['framesDecoded'] ?? call.framesDecoded);
          call.videoBytesReceived = Number(s['bytesReceived'] ?? call.videoBytesReceived);
        } else if (s.type === 'inbound-rtp' && kind === 'audio') {
          call.audioBytesReceived = Number(s['bytesReceived'] ?? call.audioBytesReceived);
        } else if (s.type === 'outbound-rtp' && kind === 'audio') {
          call.audioBytesSent = Number(s['bytesSent'] ?? call.audioBytesSent);
        }
      });
    } catch {}
  };
  // No poll at once: getStats runs on the browser's WebRTC threads, where the answer is being made.
  const timer = setInterval(() => void poll(), everyMs);
  return () => clearInterval(timer);
}
