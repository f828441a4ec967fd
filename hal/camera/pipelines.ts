/**
 * gst-launch pipeline descriptions, as pure functions of the config. The drivers are picked here from
 * lookup tables keyed by the config's driver names; an unknown name is a ConfigError naming the choices.
 *
 * A description is a space-separated token list handed to gst-launch as argv (gst-launch escapes spaces
 * inside one argv element, so the whole pipeline cannot be one argument). No value may therefore contain
 * a space or a quote: device names are checked against `safeValue` below, paths come from mkdtemp.
 * See README.md beside this file for the Raspberry Pi 4 (hardware H.264) and Pi 5 (software) pipelines.
 */
import { ConfigError } from '../../lib/errors.ts';
import type { CameraConfig, MicrophoneConfig, SpeakerConfig } from './config-schema.ts';
import type { SpeakerCodec } from './types.ts';

export const VIDEO_PAYLOAD_TYPE = 96;
export const AUDIO_PAYLOAD_TYPE = 111;
/** The microphone for the phone leg: 8 kHz mono L16 (dynamic type; L16/8000 has no static one). */
export const PHONE_MIC_PAYLOAD_TYPE = 97;
/** Fits in one packet on any path, with room for SRTP and TURN overhead. */
const RTP_MTU = 1200;
const HOST = '127.0.0.1';
const AUDIO_QUEUE = 'queue max-size-buffers=0 max-size-bytes=0 max-size-time=100000000 leaky=downstream';

export interface AvPipelineTargets {
  videoRtpPort: number;
  audioRtpPort: number;
  rtcpPort: number;
  videoSsrc: number;
  audioSsrc: number;
  /** The microphone again, as 8 kHz mono L16 RTP for the phone leg (the media process owns the port). */
  phoneMicRtpPort: number;
  phoneMicSsrc: number;
  /** Directory for the ~1 fps JPEG stills (multifilesink keeps the newest few). */
  snapshotDir: string;
}

const safeValue = /^[A-Za-z0-9_./:,=()@-]{1,200}$/;

function safe(what: string, value: string): string {
  if (!safeValue.test(value)) {
    throw new ConfigError(`${what} "${value}" cannot go into a GStreamer pipeline (no spaces or quotes)`);
  }
  return value;
}

/** The driver `kind` from a lookup table; an unknown name is a ConfigError that names the valid ones. */
export function pickDriver<K extends string, V>(table: Record<K, V>, kind: string, what: string): V {
  if (!Object.hasOwn(table, kind)) {
    const valid = Object.keys(table);
    throw new ConfigError(`unknown ${what} "${kind}"; valid choices: ${valid.join(', ')}`, valid);
  }
  return table[kind as K];
}

const rawCaps = (c: CameraConfig) => `video/x-raw,width=${c.width},height=${c.height},framerate=${c.fps}/1`;

const testPatterns: Record<CameraConfig['testPattern'], string> = {
  ball: 'pattern=ball',
  bars: 'pattern=smpte horizontal-speed=4',
  snow: 'pattern=snow',
};

/** Video capture by `camera.driver`: each yields raw frames at the configured size and rate. */
export const videoSourceDrivers = {
  sim: (c: CameraConfig) =>
    `videotestsrc is-live=true ${pickDriver(testPatterns, c.testPattern, 'test pattern')} ! ${rawCaps(c)}`,
  // A USB (UVC) camera. Cameras that offer this size only as MJPEG need `image/jpeg,... ! jpegdec` instead.
  v4l2: (c: CameraConfig) =>
    `v4l2src device=${safe('camera device', c.device ?? '/dev/video0')} do-timestamp=true ! ${rawCaps(c)}`,
  // The Pi camera module through libcamera (package gstreamer1.0-libcamera); NV12 is what its ISP gives
  // without a conversion on both the Pi 4 and the Pi 5.
  libcamera: (c: CameraConfig) =>
    `libcamerasrc${c.device ? ` camera-name=${safe('camera name', c.device)}` : ''} ! ${rawCaps(c)},format=NV12`,
} satisfies Record<CameraConfig['driver'], (c: CameraConfig) => string>;

/** Microphone by `camera.audio.driver`: any raw audio; it is converted to 48 kHz mono for Opus. */
export const microphoneDrivers = {
  sim: () => 'audiotestsrc is-live=true wave=sine freq=440 volume=0.2',
  // Package gstreamer1.0-alsa. plughw devices convert rate and channels in ALSA; audioresample covers hw.
  alsa: (m: MicrophoneConfig) => `alsasrc device=${safe('microphone device', m.device ?? 'default')}`,
} satisfies Record<MicrophoneConfig['driver'], (m: MicrophoneConfig) => string>;

/** Speaker by `speaker.driver`: where decoded audio goes. */
export const speakerSinkDrivers = {
  // Decoded and thrown away: exercises the whole receive path; the packet counter proves arrival.
  sim: () => 'fakesink sync=false',
  alsa: (s: SpeakerConfig) => `alsasink device=${safe('speaker device', s.device ?? 'default')}`,
} satisfies Record<SpeakerConfig['driver'], (s: SpeakerConfig) => string>;

/**
 * Encoder + payloader. Keyframes come on request (PLI → rtpbin → force-key-unit upstream), so the
 * unrequested interval is long and a keyframe's bitrate spike is rare.
 */
export function videoEncoder(c: CameraConfig, ssrc: number): string {
  const bitrate = c.bitrateKbps;
  if (c.codec === 'vp8') {
    if (c.encoder !== 'software') throw new ConfigError('VP8 has only the software encoder (vp8enc)');
    // deadline=1 + cpu-used=8: real-time speed; lag-in-frames=0: no look-ahead latency;
    // error-resilient: a lost partition does not corrupt the following frames.
    return (
      `vp8enc deadline=1 cpu-used=8 end-usage=cbr target-bitrate=${bitrate * 1000} lag-in-frames=0 ` +
      `error-resilient=partitions keyframe-max-dist=${c.keyframeInterval} threads=1 ! ` +
      `rtpvp8pay pt=${VIDEO_PAYLOAD_TYPE} mtu=${RTP_MTU} picture-id-mode=15-bit ssrc=${ssrc}`
    );
  }
  // Constrained baseline (42e01f in SDP): what every browser decodes in hardware and software alike.
  // config-interval=-1 repeats SPS/PPS before every IDR, so a viewer who joins late can decode.
  const pay = `rtph264pay pt=${VIDEO_PAYLOAD_TYPE} mtu=${RTP_MTU} config-interval=-1 aggregate-mode=zero-latency ssrc=${ssrc}`;
  if (c.encoder === 'v4l2') {
    // Raspberry Pi 4: the VideoCore hardware encoder behind /dev/video11 (the Pi 5 has none).
    return (
      `v4l2h264enc extra-controls=controls,video_bitrate=${bitrate * 1000},h264_i_frame_period=${c.keyframeInterval},` +
      `repeat_sequence_header=1 ! video/x-h264,profile=constrained-baseline,level=(string)3.1 ! ${pay}`
    );
  }
  return (
    `x264enc tune=zerolatency speed-preset=ultrafast bitrate=${bitrate} key-int-max=${c.keyframeInterval} ` +
    `threads=1 ! video/x-h264,profile=constrained-baseline ! ${pay}`
  );
}

/**
 * Camera + microphone in one process: video RTP through an rtpbin (whose RTCP input takes the PLIs),
 * a 1 fps 320x240 JPEG branch for snapshots, Opus RTP straight to its port, and the microphone once
 * more as 8 kHz L16 RTP in 20 ms packets for the phone leg (G.711 is made from it in the media process,
 * which needs the samples anyway to mix the prompt in first). Both audio branches queue at most 100 ms
 * and drop the oldest, so a stalled consumer never delays the other.
 */
export function avSourcePipeline(camera: CameraConfig, t: AvPipelineTargets): string {
  const video = pickDriver(videoSourceDrivers, camera.driver, 'camera driver')(camera);
  const mic = pickDriver(microphoneDrivers, camera.audio.driver, 'microphone driver')(camera.audio);
  const dir = safe('snapshot directory', t.snapshotDir);
  return [
    'rtpbin name=rtp',
    `${video} ! videoconvert ! tee name=vt`,
    // The encoder never queues more than two frames: a slow encoder drops frames instead of adding delay.
    `vt. ! queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream ! ${videoEncoder(camera, t.videoSsrc)} ! rtp.send_rtp_sink_0`,
    `rtp.send_rtp_src_0 ! udpsink host=${HOST} port=${t.videoRtpPort} sync=false async=false`,
    `udpsrc address=${HOST} port=${t.rtcpPort} caps=application/x-rtcp ! rtp.recv_rtcp_sink_0`,
    `vt. ! queue max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream ! videorate drop-only=true ! video/x-raw,framerate=1/1 ! videoscale ! videoconvert ! video/x-raw,width=320,height=240 ! jpegenc quality=75 ! multifilesink location=${dir}/snap-%06d.jpg max-files=3`,
    `${mic} ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1 ! tee name=at`,
    `at. ! ${AUDIO_QUEUE} ! opusenc bitrate=32000 frame-size=20 audio-type=voice ! rtpopuspay pt=${AUDIO_PAYLOAD_TYPE} ssrc=${t.audioSsrc} ! udpsink host=${HOST} port=${t.audioRtpPort} sync=false async=false`,
    `at. ! ${AUDIO_QUEUE} ! audioresample ! audioconvert ! audio/x-raw,rate=8000,channels=1,format=S16BE ! rtpL16pay pt=${PHONE_MIC_PAYLOAD_TYPE} max-ptime=20000000 ssrc=${t.phoneMicSsrc} ! udpsink host=${HOST} port=${t.phoneMicRtpPort} sync=false async=false`,
  ].join(' ');
}

const speakerInputs: Record<SpeakerCodec, { caps: string; decode: string }> = {
  opus: {
    caps: `application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=${AUDIO_PAYLOAD_TYPE}`,
    decode: 'rtpopusdepay ! opusdec plc=true',
  },
  pcmu: {
    caps: 'application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0',
    decode: 'rtppcmudepay ! mulawdec',
  },
  pcma: {
    caps: 'application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMA,payload=8',
    decode: 'rtppcmadepay ! alawdec',
  },
};

/**
 * RTP in → speaker: Opus by default, G.711 while a phone call has the speaker. The sim driver also tees
 * every received packet, RFC 4571-framed, to stdout so the panel can count what arrived.
 */
export function speakerPipeline(
  speaker: SpeakerConfig,
  rtpPort: number,
  codec: SpeakerCodec = 'opus',
): string {
  const sink = pickDriver(speakerSinkDrivers, speaker.driver, 'speaker driver')(speaker);
  const { caps, decode } = pickDriver(speakerInputs, codec, 'speaker codec');
  const play = `rtpjitterbuffer latency=60 ! ${decode} ! audioconvert ! audioresample ! ${sink}`;
  const input = `udpsrc address=${HOST} port=${rtpPort} caps=${caps}`;
  if (speaker.driver !== 'sim') return `${input} ! ${play}`;
  return `${input} ! tee name=t t. ! queue ! ${play} t. ! queue ! rtpstreampay ! fdsink fd=1`;
}

/** gst-launch argv for a description (see the note at the top on spaces). */
export function launchArgs(description: string): string[] {
  return ['-q', ...description.split(' ').filter((token) => token !== '')];
}
