import { describe, expect, it } from 'vitest';
import {
  type CameraConfigInput,
  cameraConfigSchema,
  mediaConfigSchema,
} from '../../../hal/camera/config-schema.ts';
import { createAvSource, createSpeaker } from '../../../hal/camera/drivers.ts';
import {
  avSourcePipeline,
  launchArgs,
  speakerPipeline,
  videoEncoder,
} from '../../../hal/camera/pipelines.ts';
import { pliPacket } from '../../../hal/camera/rtcp.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

const camera = (input: CameraConfigInput = {}) => cameraConfigSchema.parse(input);
const targets = {
  videoRtpPort: 5000,
  audioRtpPort: 5002,
  rtcpPort: 5001,
  videoSsrc: 111,
  audioSsrc: 222,
  phoneMicRtpPort: 5004,
  phoneMicSsrc: 333,
  snapshotDir: '/tmp/portvakt-snap-x',
};

describe('camera pipelines', () => {
  it('sim + VP8: live test sources, rtpbin with an RTCP input, a 1 fps JPEG branch, Opus and 8 kHz L16', () => {
    expect(avSourcePipeline(camera(), targets)).toBe(
      [
        'rtpbin name=rtp',
        'videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=480,framerate=30/1 ! videoconvert ! tee name=vt',
        'vt. ! queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream !',
        'vp8enc deadline=1 cpu-used=8 end-usage=cbr target-bitrate=1000000 lag-in-frames=0 error-resilient=partitions keyframe-max-dist=300 threads=1 !',
        'rtpvp8pay pt=96 mtu=1200 picture-id-mode=15-bit ssrc=111 ! rtp.send_rtp_sink_0',
        'rtp.send_rtp_src_0 ! udpsink host=127.0.0.1 port=5000 sync=false async=false',
        'udpsrc address=127.0.0.1 port=5001 caps=application/x-rtcp ! rtp.recv_rtcp_sink_0',
        'vt. ! queue max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream ! videorate drop-only=true ! video/x-raw,framerate=1/1 !',
        'videoscale ! videoconvert ! video/x-raw,width=320,height=240 ! jpegenc quality=75 ! multifilesink location=/tmp/portvakt-snap-x/snap-%06d.jpg max-files=3',
        'audiotestsrc is-live=true wave=sine freq=440 volume=0.2 ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1 ! tee name=at',
        'at. ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=100000000 leaky=downstream !',
        'opusenc bitrate=32000 frame-size=20 audio-type=voice ! rtpopuspay pt=111 ssrc=222 ! udpsink host=127.0.0.1 port=5002 sync=false async=false',
        'at. ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=100000000 leaky=downstream !',
        'audioresample ! audioconvert ! audio/x-raw,rate=8000,channels=1,format=S16BE !',
        'rtpL16pay pt=97 max-ptime=20000000 ssrc=333 ! udpsink host=127.0.0.1 port=5004 sync=false async=false',
      ].join(' '),
    );
  });

  it('H.264 in software is x264 constrained baseline with SPS/PPS before every IDR', () => {
    expect(videoEncoder(camera({ codec: 'h264', bitrateKbps: 800 }), 7)).toBe(
      'x264enc tune=zerolatency speed-preset=ultrafast bitrate=800 key-int-max=300 threads=1 ! ' +
        'video/x-h264,profile=constrained-baseline ! ' +
        'rtph264pay pt=96 mtu=1200 config-interval=-1 aggregate-mode=zero-latency ssrc=7',
    );
  });

  it('H.264 on the Pi 4 hardware encoder', () => {
    expect(videoEncoder(camera({ codec: 'h264', encoder: 'v4l2' }), 7)).toBe(
      'v4l2h264enc extra-controls=controls,video_bitrate=1000000,h264_i_frame_period=300,repeat_sequence_header=1 ! ' +
        'video/x-h264,profile=constrained-baseline,level=(string)3.1 ! ' +
        'rtph264pay pt=96 mtu=1200 config-interval=-1 aggregate-mode=zero-latency ssrc=7',
    );
  });

  it('USB and Pi cameras, ALSA microphone', () => {
    const usb = avSourcePipeline(
      camera({
        driver: 'v4l2',
        device: '/dev/video2',
        width: 1280,
        height: 720,
        fps: 15,
        audio: { driver: 'alsa', device: 'plughw:CARD=Device' },
      }),
      targets,
    );
    expect(usb).toContain(
      'v4l2src device=/dev/video2 do-timestamp=true ! video/x-raw,width=1280,height=720,framerate=15/1 ! videoconvert',
    );
    expect(usb).toContain('alsasrc device=plughw:CARD=Device ! audioconvert');
    const pi = avSourcePipeline(camera({ driver: 'libcamera' }), targets);
    expect(pi).toContain(
      'libcamerasrc ! video/x-raw,width=640,height=480,framerate=30/1,format=NV12 ! videoconvert',
    );
    expect(
      avSourcePipeline(camera({ driver: 'libcamera', device: '/base/soc/i2c0mux/imx708@1a' }), targets),
    ).toContain('libcamerasrc camera-name=/base/soc/i2c0mux/imx708@1a !');
  });

  it('refuses values that would break the argv split', () => {
    const bad = { ...camera({ driver: 'v4l2' }), device: '/dev/video0 ! filesink location=/etc/x' };
    expect(() => avSourcePipeline(bad, targets)).toThrow(ConfigError);
    expect(() => avSourcePipeline(camera(), { ...targets, snapshotDir: '/tmp/a b' })).toThrow(/no spaces/);
  });

  it('speaker: sim decodes to fakesink and tees packets to stdout for counting; alsa plays', () => {
    const caps = 'caps=application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111';
    const play =
      'rtpjitterbuffer latency=60 ! rtpopusdepay ! opusdec plc=true ! audioconvert ! audioresample !';
    expect(speakerPipeline({ driver: 'sim' }, 6000)).toBe(
      `udpsrc address=127.0.0.1 port=6000 ${caps} ! tee name=t t. ! queue ! ${play} fakesink sync=false ` +
        't. ! queue ! rtpstreampay ! fdsink fd=1',
    );
    expect(speakerPipeline({ driver: 'alsa', device: 'hw:1,0' }, 6000)).toBe(
      `udpsrc address=127.0.0.1 port=6000 ${caps} ! ${play} alsasink device=hw:1,0`,
    );
  });

  it('speaker: G.711 for a phone call, µ-law or A-law, on the same port', () => {
    expect(speakerPipeline({ driver: 'alsa' }, 6000, 'pcmu')).toBe(
      'udpsrc address=127.0.0.1 port=6000 caps=application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMU,payload=0 ! ' +
        'rtpjitterbuffer latency=60 ! rtppcmudepay ! mulawdec ! audioconvert ! audioresample ! alsasink device=default',
    );
    expect(speakerPipeline({ driver: 'sim' }, 6000, 'pcma')).toContain(
      'caps=application/x-rtp,media=audio,clock-rate=8000,encoding-name=PCMA,payload=8 ! tee name=t t. ! queue ! ' +
        'rtpjitterbuffer latency=60 ! rtppcmadepay ! alawdec !',
    );
    expect(() => speakerPipeline({ driver: 'sim' }, 6000, 'g722' as 'pcmu')).toThrow(/unknown speaker codec/);
  });

  it('launchArgs: quiet, one argv element per token', () => {
    expect(launchArgs('a b=1  !  c')).toEqual(['-q', 'a', 'b=1', '!', 'c']);
  });

  it('a PLI is a compound RR + PSFB FMT 1 naming the media SSRC', () => {
    const p = pliPacket(0x01020304, 0xa0b0c0d0);
    expect(p.toString('hex')).toBe('80c9000101020304' + '81ce000201020304a0b0c0d0');
  });
});

describe('media config and driver lookup', () => {
  it('defaults to the sim camera, VP8 640x480@30, 1 Mbit/s, keyframes every 300 frames', () => {
    expect(mediaConfigSchema.parse({})).toEqual({
      camera: {
        driver: 'sim',
        codec: 'vp8',
        encoder: 'software',
        width: 640,
        height: 480,
        fps: 30,
        bitrateKbps: 1000,
        keyframeInterval: 300,
        testPattern: 'ball',
        audio: { driver: 'sim' },
      },
      speaker: { driver: 'sim' },
    });
  });

  it('names the bad key', () => {
    const r = cameraConfigSchema.safeParse({ codec: 'vp8', encoder: 'v4l2' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      path: ['encoder'],
      message: 'the v4l2 hardware encoder does H.264 only',
    });
    expect(cameraConfigSchema.safeParse({ driver: 'gphoto' }).error?.issues[0]?.path).toEqual(['driver']);
  });

  it('an unknown driver is a ConfigError naming the valid choices', () => {
    const deps = { clock: new FakeClock(0), logger: silentLogger };
    const cfg = camera();
    expect(() => createAvSource({ ...cfg, driver: 'gphoto' as 'sim' }, deps)).toThrow(ConfigError);
    expect(() => createAvSource({ ...cfg, driver: 'gphoto' as 'sim' }, deps)).toThrow(
      'unknown camera driver "gphoto"; valid choices: sim, v4l2, libcamera',
    );
    expect(() => createAvSource({ ...cfg, audio: { driver: 'pulse' as 'sim' } }, deps)).toThrow(
      'unknown microphone driver "pulse"; valid choices: sim, alsa',
    );
    expect(() => createSpeaker({ driver: 'toString' as 'sim' }, deps)).toThrow(
      'unknown speaker driver "toString"; valid choices: sim, alsa',
    );
    expect(createAvSource(cfg, deps).pid).toBeUndefined();
  });
});
