/**
 * Wires the intercom into the panel. The directory is served from the panel's own replica at once (it
 * works offline and without a camera); ringing needs the intercom module, which starts the media stack
 * (the werift media process, GStreamer supervision) on demand, so a panel without an intercom never
 * loads it.
 *
 * The media stack comes up behind the panel's readiness: after a power cut the doors, card readers and
 * API are ready without waiting for the camera and the media process (~0.5 s). A bell pressed meanwhile
 * waits for them rather than failing.
 */
import type { CallState } from '../../cloud-sync/protocol/panel-api.ts';
import { errorMessage, PortvaktError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { IntercomConfig } from '../config/schema.ts';
import type { Module } from '../wiring/modules.ts';
import type { Intercom } from './intercom.ts';
import type { IntercomApi } from './intercom-api.ts';
import type { IntercomDeps } from './intercom-deps.ts';
import { type IntercomSelfTest, intercomSelfTest, type MediaTestPort } from './self-test.ts';

export type { IntercomDeps } from './intercom-deps.ts';

export interface IntercomWiring {
  module: Module;
  api: IntercomApi;
  /** Installer mode's camera, microphone and speaker tests. */
  selfTest: IntercomSelfTest;
  /** WebRTC peers open now (metrics); 0 while the media stack is down. */
  mediaPeers(): number;
}

export function createIntercomModule(
  config: IntercomConfig | undefined,
  deps: IntercomDeps,
): IntercomWiring | undefined {
  if (!config?.enabled) return undefined;
  let running:
    | {
        intercom: Intercom;
        stats: () => Promise<unknown>;
        mediaPeers: () => number;
        mediaTest: MediaTestPort | undefined;
        stop: () => Promise<void>;
      }
    | undefined;
  let starting: Promise<void> | undefined;
  let stopping = false;
  // Outlives each start of the intercom: the screen subscribes once, before the media stack is up.
  const calls = new SafeEmitter<{ state: CallState }>((event, err) =>
    deps.logger.error({ event, err: errorMessage(err) }, 'call state listener failed'),
  );
  let unforward: (() => void) | undefined;
  const intercom = (): Intercom => {
    if (!running) throw new PortvaktError('intercom_unavailable', 'the intercom is not running');
    return running.intercom;
  };
  const api: IntercomApi = {
    directory: () => deps.directory.directoryReply(deps.panelName, deps.clock.now()),
    ring: async (bellId) => {
      await starting;
      return intercom().ring(bellId);
    },
    call: () => running?.intercom.state() ?? { phase: 'idle' },
    onCall: (listener) => calls.on('state', listener),
    hangUp: (callId) => intercom().hangUp(callId),
    mediaStats: async () => {
      await starting;
      intercom();
      return running!.stats();
    },
  };
  const start = async () => {
    const { startIntercom } = await import('./start-intercom.ts');
    const started = await startIntercom(config, deps);
    if (stopping) return started.stop();
    running = started;
    unforward = started.intercom.events.on('state', (state) => calls.emit('state', state));
    deps.logger.info('intercom ready');
  };
  const module: Module = {
    name: 'intercom',
    critical: false,
    start: async () => {
      stopping = false;
      starting = start().catch((err: unknown) =>
        deps.logger.error({ err: errorMessage(err) }, 'the intercom did not start'),
      );
    },
    stop: async () => {
      stopping = true;
      await starting;
      const r = running;
      running = undefined;
      await r?.stop();
      // After the stop: the call it ended reaches the screen as idle first.
      unforward?.();
      unforward = undefined;
    },
  };
  const selfTest = intercomSelfTest({
    media: () => running?.mediaTest,
    callActive: () => (running?.intercom.state().phase ?? 'idle') !== 'idle',
  });
  return { module, api, selfTest, mediaPeers: () => running?.mediaPeers() ?? 0 };
}
