/**
 * Wires the intercom into the panel. The directory is served from the panel's own replica at once (it
 * works offline and without a camera); ringing needs the intercom module, which loads the media stack
 * (werift, GStreamer supervision) on demand, so a panel without an intercom never loads it.
 */
import { PortvaktError } from '../../hal/errors.ts';
import type { CallStateView, IntercomApi } from '../api/context.ts';
import type { IntercomConfig } from '../config/schema.ts';
import type { Module } from '../panel/modules.ts';
import type { Intercom } from './intercom.ts';
import type { IntercomDeps } from './intercom-deps.ts';

export type { IntercomDeps } from './intercom-deps.ts';

export interface IntercomWiring {
  module: Module;
  api: IntercomApi;
}

export function createIntercomModule(
  config: IntercomConfig | undefined,
  deps: IntercomDeps,
): IntercomWiring | undefined {
  if (!config?.enabled) return undefined;
  let running: { intercom: Intercom; stats: () => Promise<unknown>; stop: () => Promise<void> } | undefined;
  const intercom = (): Intercom => {
    if (!running) throw new PortvaktError('intercom_unavailable', 'the intercom is not running');
    return running.intercom;
  };
  const api: IntercomApi = {
    directory: () => deps.directory.visibleDirectory(deps.clock.now()),
    ring: (bellId) => intercom().ring(bellId),
    call: (): CallStateView => running?.intercom.state() ?? { phase: 'idle' },
    hangUp: (callId) => intercom().hangUp(callId),
    mediaStats: async () => {
      intercom();
      return running!.stats();
    },
  };
  const module: Module = {
    name: 'intercom',
    critical: false,
    start: async () => {
      const { startIntercom } = await import('./start-intercom.ts');
      running = await startIntercom(config, deps);
    },
    stop: async () => {
      const r = running;
      running = undefined;
      await r?.stop();
    },
  };
  return { module, api };
}
