import { describe, expect, it } from 'vitest';
import { SpeakerDemand } from '../../../device/media/speaker-demand.ts';
import type { MediaProcessEvents, Speaker, SpeakerCodec, SpeakerPorts } from '../../../hal/camera/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { SafeEmitter } from '../../../lib/events.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

/** A speaker that records its starts and stops; `failStarts` makes the next starts throw. */
class RecordingSpeaker implements Speaker {
  readonly events = new SafeEmitter<MediaProcessEvents>();
  readonly log: string[] = [];
  running = false;
  failStarts = 0;
  codec: SpeakerCodec = 'opus';
  readonly pid = undefined;
  readonly #ports: SpeakerPorts = { host: '127.0.0.1', rtpPort: 40000, payloadType: 111 };
  async ports() {
    return this.#ports;
  }
  async start() {
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error('gst-launch-1.0 would not start');
    }
    this.running = true;
    this.log.push('start');
    return this.#ports;
  }
  async stop() {
    this.running = false;
    this.log.push('stop');
  }
  async setCodec(codec: SpeakerCodec) {
    this.codec = codec;
  }
  stats() {
    return { packets: 0, ssrcs: [] };
  }
}

/** Lets the demand's queued start or stop run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(lingerMs = 30_000) {
  const speaker = new RecordingSpeaker();
  const clock = new FakeClock();
  const demand = new SpeakerDemand(speaker, clock, silentLogger, lingerMs);
  return { speaker, clock, demand };
}

describe('SpeakerDemand: the speaker runs from the ring until a while after the call', () => {
  it('starts with the first user, once, and stops only after the last has been gone for the linger', async () => {
    const { speaker, clock, demand } = setup();
    await Promise.all([demand.acquire('peer:a'), demand.acquire('peer:b')]);
    expect(speaker.log).toEqual(['start']);
    demand.release('peer:a');
    clock.advance(60_000);
    await settle();
    expect(speaker.running).toBe(true);
    demand.release('peer:b');
    clock.advance(29_999);
    await settle();
    expect(speaker.running).toBe(true);
    clock.advance(1);
    await settle();
    expect(speaker.log).toEqual(['start', 'stop']);
  });

  it('a ring within the linger keeps the running speaker: no stop, no second start', async () => {
    const { speaker, clock, demand } = setup();
    await demand.acquire('peer:a');
    demand.release('peer:a');
    clock.advance(20_000);
    await settle();
    await demand.acquire('phone:c1');
    clock.advance(60_000);
    await settle();
    expect(speaker.log).toEqual(['start']);
  });

  it('a speaker that will not start is logged; the next user tries again', async () => {
    const { speaker, demand } = setup();
    speaker.failStarts = 1;
    await expect(demand.acquire('peer:a')).resolves.toBeUndefined();
    expect(speaker.running).toBe(false);
    await demand.acquire('peer:b');
    expect(speaker.log).toEqual(['start']);
  });

  it('releasing an unknown user changes nothing; after close nothing starts', async () => {
    const { speaker, clock, demand } = setup();
    demand.release('peer:nobody');
    clock.advance(60_000);
    await settle();
    expect(speaker.log).toEqual([]);
    await demand.close();
    await demand.acquire('peer:a');
    expect(speaker.log).toEqual([]);
  });
});
