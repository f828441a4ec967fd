/**
 * Camera, microphone and speaker as the rest of the panel sees them. Each is a GStreamer pipeline run as a
 * `gst-launch-1.0` child process that exchanges RTP with the panel over loopback UDP: an encoder crash
 * takes down a child, not the panel, and no media bytes pass through the main event loop.
 */
import type { SafeEmitter } from '../../lib/events.ts';

export type VideoCodec = 'vp8' | 'h264';

/** Where the pipeline sends its RTP and where it listens for RTCP. Fixed for the life of the source. */
export interface AvSourcePorts {
  host: '127.0.0.1';
  video: {
    /** The pipeline sends video RTP to this port; the consumer binds it. */
    rtpPort: number;
    /** The pipeline's rtpbin RTCP input: a PLI sent here makes the encoder emit a keyframe. */
    rtcpPort: number;
    /** Fixed SSRC of the video RTP (kept across restarts; a PLI must name it as media SSRC). */
    ssrc: number;
    codec: VideoCodec;
    payloadType: number;
    clockRate: 90000;
  };
  audio: {
    /** The pipeline sends Opus RTP (48 kHz, 20 ms frames) to this port; the consumer binds it. */
    rtpPort: number;
    ssrc: number;
    payloadType: number;
    clockRate: 48000;
  };
  /** The microphone as 8 kHz mono L16 RTP (20 ms packets) for the phone leg; the consumer binds it. */
  phoneMic: {
    rtpPort: number;
    ssrc: number;
    payloadType: number;
    clockRate: 8000;
  };
}

export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** The last lines the process wrote to stderr (GStreamer's reason, if it gave one). */
  stderr: string;
}

export interface MediaProcessEvents {
  [event: string]: unknown;
  /** The child exited while it should have been running (a restart follows unless 'failed' does). */
  exit: ProcessExit;
  /** A replacement child is running, on the same ports. */
  restarted: { pid: number; restarts: number };
  /** Gave up: too many fast failures, or a pipeline GStreamer cannot build. Stays down until start(). */
  failed: { reason: string };
}

/** Camera + microphone: one encoded video stream and one Opus stream for every viewer to share. */
export interface AvSource {
  readonly events: SafeEmitter<MediaProcessEvents>;
  /** Starts the pipeline; resolves with its ports once the child process is running. */
  start(): Promise<AvSourcePorts>;
  /** Kills the pipeline (by PID) and waits until it has gone; removes its temp files. */
  stop(): Promise<void>;
  /** Sends an RTCP PLI to the encoder. Every viewer shares the encoder: callers rate-limit. */
  requestKeyframe(): void;
  /** The newest still of the visitor (320x240 JPEG, refreshed ~1/s), or undefined before the first. */
  snapshot(): Promise<Buffer | undefined>;
  /** PID of the running child (undefined while stopped or between restarts). */
  readonly pid: number | undefined;
}

export interface SpeakerPorts {
  host: '127.0.0.1';
  /** The speaker pipeline listens here for Opus RTP (payload type below, 48 kHz). */
  rtpPort: number;
  payloadType: number;
}

export interface SpeakerStats {
  /** RTP packets the pipeline received since start (counted by the sim driver only; 0 for alsa). */
  packets: number;
  /** SSRCs seen by the counter (the panel re-stamps talkers onto one SSRC, so normally one). */
  ssrcs: number[];
}

/** What the speaker decodes: Opus (the app's talker) or G.711 (a phone call). */
export type SpeakerCodec = 'opus' | 'pcmu' | 'pcma';

/** Plays the resident who is talking: Opus RTP in (G.711 during a phone call), sound out. */
export interface Speaker {
  readonly events: SafeEmitter<MediaProcessEvents>;
  /** The port it plays from, reserved once (the same across stops and starts) without starting it. */
  ports(): Promise<SpeakerPorts>;
  start(): Promise<SpeakerPorts>;
  stop(): Promise<void>;
  readonly running: boolean;
  /**
   * Switches what the speaker decodes, on the same port (the pipeline is restarted with matching caps,
   * a few hundred ms without sound). A no-op for the current codec; remembered while stopped.
   */
  setCodec(codec: SpeakerCodec): Promise<void>;
  readonly codec: SpeakerCodec;
  stats(): SpeakerStats;
  readonly pid: number | undefined;
}
