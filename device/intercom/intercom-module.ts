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
import { errorMessage, PortvaktError } from '../../lib/errors.ts';
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
        mediaTest: MediaTestPort | undefined;
        stop: () => Promise<void>;
      }
    | undefined;
  let starting: Promise<void> | undefined;
  let stopping = false;
  const intercom = (): Intercom => {
    if (!running) throw new PortvaktError('intercom_unavailable', 'the intercom is not running');
    return running.intercom;
  };
  const api: IntercomApi = {
    directory: () => ({
      // The building's language arrives with wt-screen-api (building.language); English until then.
      site: {
        buildingName: deps.directory.building()?.name ?? deps.panelName,
        entranceName: deps.panelName,
        defaultLanguage: 'en',
      },
      bells: deps.directory.visibleDirectory(deps.clock.now()),
    }),
    ring: async (bellId) => {
      await starting;
      return intercom().ring(bellId);
    },
    call: () => running?.intercom.state() ?? { phase: 'idle' },
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
    },
  };
  const selfTest = intercomSelfTest({
    media: () => running?.mediaTest,
    callActive: () => (running?.intercom.state().phase ?? 'idle') !== 'idle',
  });
  return { module, api, selfTest };
}
