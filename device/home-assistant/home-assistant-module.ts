/**
 * Wires Home Assistant into the panel: a non-critical module started last, after the doors, readers,
 * API and cloud sync. A broker that is down, a missing CA file or a bad login is logged and the panel
 * works on as before: nothing of the doors, cards or start-up waits for it.
 */
import type { HomeAssistantConfig } from '../config/schema.ts';
import type { Module } from '../wiring/modules.ts';
import type { HomeAssistantDeps } from './home-assistant-deps.ts';

export type { HomeAssistantDeps } from './home-assistant-deps.ts';

export interface HomeAssistantModule extends Module {
  /** Whether the link to the owner's broker is up (tests, installer facts). */
  isUp(): boolean;
}

/** The module, or undefined for a panel without a `homeAssistant` section. */
export function createHomeAssistantModule(
  config: HomeAssistantConfig | undefined,
  deps: HomeAssistantDeps,
): HomeAssistantModule | undefined {
  if (!config) return undefined;
  let running: { stop: () => Promise<void>; isUp: () => boolean } | undefined;
  return {
    name: 'home-assistant',
    critical: false,
    isUp: () => running?.isUp() ?? false,
    start: async () => {
      const { startHomeAssistant } = await import('./start-home-assistant.ts');
      running = await startHomeAssistant(config, deps);
    },
    stop: async () => {
      await running?.stop();
      running = undefined;
    },
  };
}
