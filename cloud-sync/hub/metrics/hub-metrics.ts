/**
 * The hub's Prometheus figures. Counters are bumped where the hub already passes (the HTTP server's
 * observe hook, the event consumer's onStored, the inbox's command results, a wrapper around the config
 * publisher's MQTT port); the gauges read at a scrape (panels online is one COUNT over panel_state,
 * which grows with panels, not residents).
 *
 * Label values are closed sets or the hub's own route templates, never raw paths (ids), panel ids,
 * residents or tokens: a flood of made-up paths counts as one `unmatched` route.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ObservedRequest } from '../../../lib/http/json-server.ts';
import { addDefaultMetrics } from '../../../lib/metrics/default-metrics.ts';
import { BROKER_PREFIX } from '../api/broker-routes.ts';
import type { MqttPublisher } from '../mqtt/port.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The event types a panel writes are dozens, not unbounded; past this many distinct ones: `other`. */
const MAX_EVENT_TYPES = 200;
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const CONFIG_LEAF = /\/config\/(desired|patch)$/;

export interface HubMetricsSources {
  /** Panels whose last state message said online. */
  panelsOnline: () => number;
  /** Known panels. */
  panelsKnown: () => number;
  mqttConnected: () => boolean;
  /** Node's default process metrics; tests of the collectors turn them off. */
  defaultMetrics?: boolean;
}

export class HubMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #latency: Histogram<'method' | 'route'>;
  readonly #brokerAuth: Counter<'check' | 'result'>;
  readonly #events: Counter<'type'>;
  readonly #eventTypes = new Set<string>();
  readonly #commands: Counter<'status'>;
  readonly #configs: Counter<'kind'>;

  constructor(sources: HubMetricsSources) {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'portvakt_hub_http_requests_total',
      help: 'HTTP requests answered, by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'portvakt_hub_http_request_duration_seconds',
      help: 'Time to answer an HTTP request (to the start of a stream)',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#brokerAuth = new Counter({
      name: 'portvakt_hub_broker_auth_total',
      help: "The broker auth backend's decisions (login and ACL checks)",
      labelNames: ['check', 'result'],
      registers,
    });
    this.#events = new Counter({
      name: 'portvakt_hub_events_ingested_total',
      help: 'Panel events stored by the hub, by type (a resent batch counts again)',
      labelNames: ['type'],
      registers,
    });
    this.#commands = new Counter({
      name: 'portvakt_hub_command_results_total',
      help: 'Results panels reported for signed commands',
      labelNames: ['status'],
      registers,
    });
    this.#configs = new Counter({
      name: 'portvakt_hub_config_publishes_total',
      help: 'Signed config messages published to panels (snapshot or patch)',
      labelNames: ['kind'],
      registers,
    });
    for (const check of ['auth', 'acl'])
      for (const result of ['allow', 'deny']) this.#brokerAuth.inc({ check, result }, 0);
    for (const status of ['done', 'refused', 'failed']) this.#commands.inc({ status }, 0);
    for (const kind of ['snapshot', 'patch']) this.#configs.inc({ kind }, 0);
    new Gauge({
      name: 'portvakt_hub_panels_online',
      help: 'Panels whose last state message said online',
      registers,
      collect() {
        this.set(sources.panelsOnline());
      },
    });
    new Gauge({
      name: 'portvakt_hub_panels',
      help: 'Panels the hub knows',
      registers,
      collect() {
        this.set(sources.panelsKnown());
      },
    });
    new Gauge({
      name: 'portvakt_hub_mqtt_connected',
      help: 'Whether the hub is connected to its broker (1) or not (0)',
      registers,
      collect() {
        this.set(sources.mqttConnected() ? 1 : 0);
      },
    });
    if (sources.defaultMetrics ?? true) addDefaultMetrics(this.registry);
  }

  /** The HTTP server's observe hook. */
  readonly observeRequest = (r: ObservedRequest): void => {
    const method = METHODS.has(r.method) ? r.method : 'other';
    const route = r.route ?? 'unmatched';
    this.#requests.inc({ method, route, status: String(r.status) });
    this.#latency.observe({ method, route }, r.seconds);
    // The auth backend answers 200 allow / 403 deny (broker-routes.ts); other statuses are bad requests.
    if (route === `${BROKER_PREFIX}auth` || route === `${BROKER_PREFIX}acl`) {
      const result = r.status === 200 ? 'allow' : r.status === 403 ? 'deny' : undefined;
      if (result) this.#brokerAuth.inc({ check: route.slice(BROKER_PREFIX.length), result });
    }
  };

  /** The event consumer's onStored: events of one in-order batch. */
  eventsStored(events: readonly { type: string }[]): void {
    for (const { type } of events) this.#events.inc({ type: this.#eventType(type) });
  }

  commandResult(status: string): void {
    this.#commands.inc({ status });
  }

  /** The config publisher's MQTT port, counting what it publishes. */
  countingPublisher(mqtt: MqttPublisher): MqttPublisher {
    return {
      publish: (topic, payload, options) => {
        const kind = CONFIG_LEAF.exec(topic)?.[1];
        if (kind) this.#configs.inc({ kind: kind === 'desired' ? 'snapshot' : 'patch' });
        return mqtt.publish(topic, payload, options);
      },
    };
  }

  #eventType(type: string): string {
    if (this.#eventTypes.has(type)) return type;
    if (!EVENT_TYPE.test(type) || type.length > 64 || this.#eventTypes.size >= MAX_EVENT_TYPES)
      return 'other';
    this.#eventTypes.add(type);
    return type;
  }
}
