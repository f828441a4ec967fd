/**
 * Wires the metrics into the panel: a non-critical module started after the API (a port that is taken
 * is logged and the doors run on). Loaded on demand, so a panel without a `metrics` section never loads
 * prom-client — a few megabytes a panel at its memory budget does not spend for nothing.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { MetricsConfig } from '../config/schema.ts';
import type { Module } from '../wiring/modules.ts';

export interface MetricsModuleDeps {
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  doorIds: readonly string[];
  /** Read once at start; config.applied events move it on. */
  configVersion: () => number;
  syncBacklog?: (() => { depth: number; oldestAt: number | undefined }) | undefined;
  mediaPeers?: (() => number) | undefined;
  doorAlarms: () => ReadonlyArray<{ id: string; alarms: readonly string[] }>;
}

export interface MetricsModule extends Module {
  /** The listener's address once started (tests, the ready log line). */
  address(): { host: string; port: number } | undefined;
}

/** The metrics module, or undefined when the config has no `metrics` section. */
export function createMetricsModule(
  config: MetricsConfig | undefined,
  deps: MetricsModuleDeps,
): MetricsModule | undefined {
  if (!config) return undefined;
  let running: { stop: () => Promise<void>; address: () => { host: string; port: number } } | undefined;
  return {
    name: 'metrics',
    critical: false,
    address: () => running?.address(),
    start: async () => {
      const [{ PanelMetrics }, { MetricsServer }] = await Promise.all([
        import('./panel-metrics.ts'),
        import('./metrics-server.ts'),
      ]);
      const metrics = new PanelMetrics({ ...deps, configVersion: deps.configVersion() });
      const server = new MetricsServer({
        host: config.host,
        port: config.port,
        token: config.token,
        registry: metrics.registry,
        clock: deps.clock,
        logger: deps.logger,
      });
      try {
        await server.start();
      } catch (err) {
        metrics.stop();
        throw err;
      }
      running = {
        address: () => server.address(),
        stop: async () => {
          await server.stop();
          metrics.stop();
        },
      };
      deps.logger.info({ ...server.address(), auth: config.token ? 'token' : 'none' }, 'metrics listening');
    },
    stop: async () => {
      await running?.stop();
      running = undefined;
    },
  };
}
