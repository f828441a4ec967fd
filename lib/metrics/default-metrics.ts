/**
 * Node's default process metrics (prom-client): memory, CPU, file descriptors, event-loop lag, GC, for
 * the panel and the hub alike.
 *
 * The event-loop lag is sampled at 20 ms rather than prom-client's 10: the histogram is kept by libuv in
 * native code, and a coarser timer wakes a Pi's CPU half as often for a figure read every 15 s. Three
 * gauges are dropped: their names end in `_total`, which Prometheus reserves for counters (promtool's
 * lint refuses them); `nodejs_active_handles` and `nodejs_active_requests` by type say the same.
 */
import { collectDefaultMetrics, type Registry } from 'prom-client';

const MISNAMED = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function addDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  for (const name of MISNAMED) registry.removeSingleMetric(name);
}
