import { describe, expect, it } from 'vitest';
import { HubMetrics } from '../../../cloud-sync/hub/metrics/hub-metrics.ts';

// The hub's collectors: routes by template, broker decisions from the auth backend's statuses, bounded labels.
describe('hub metrics', () => {
  const world = () => {
    let online = 2;
    const metrics = new HubMetrics({
      panelsOnline: () => online,
      panelsKnown: () => 3,
      mqttConnected: () => true,
      defaultMetrics: false,
    });
    const value = async (name: string, labels: Record<string, string> = {}) => {
      const json = await metrics.registry.getSingleMetric(name)!.get();
      return json.values.find((v) =>
        Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
      )?.value;
    };
    return { metrics, value, setOnline: (n: number) => (online = n) };
  };

  it('labels requests by route template, never the raw path, and unmatched ones as one route', async () => {
    const { metrics, value } = world();
    const observe = metrics.observeRequest;
    observe({ method: 'GET', route: '/api/v1/panels/{id}', status: 200, seconds: 0.01 });
    observe({ method: 'GET', route: '/api/v1/panels/{id}', status: 200, seconds: 0.02 });
    observe({ method: 'GET', route: undefined, status: 404, seconds: 0.001 });
    observe({ method: 'BREW', route: undefined, status: 404, seconds: 0.001 });
    expect(
      await value('portvakt_hub_http_requests_total', { route: '/api/v1/panels/{id}', status: '200' }),
    ).toBe(2);
    expect(await value('portvakt_hub_http_requests_total', { method: 'GET', route: 'unmatched' })).toBe(1);
    expect(await value('portvakt_hub_http_requests_total', { method: 'other', route: 'unmatched' })).toBe(1);
  });

  it("counts the broker auth backend's allow and deny", async () => {
    const { metrics, value } = world();
    metrics.observeRequest({ method: 'POST', route: '/api/v1/broker/auth', status: 200, seconds: 0 });
    metrics.observeRequest({ method: 'POST', route: '/api/v1/broker/auth', status: 403, seconds: 0 });
    metrics.observeRequest({ method: 'POST', route: '/api/v1/broker/acl', status: 403, seconds: 0 });
    metrics.observeRequest({ method: 'POST', route: '/api/v1/broker/acl', status: 401, seconds: 0 });
    expect(await value('portvakt_hub_broker_auth_total', { check: 'auth', result: 'allow' })).toBe(1);
    expect(await value('portvakt_hub_broker_auth_total', { check: 'auth', result: 'deny' })).toBe(1);
    expect(await value('portvakt_hub_broker_auth_total', { check: 'acl', result: 'deny' })).toBe(1);
  });

  it('counts ingested events by type, with a bound on distinct types', async () => {
    const { metrics, value } = world();
    metrics.eventsStored([{ type: 'access.granted' }, { type: 'access.granted' }, { type: 'Bad Type!' }]);
    expect(await value('portvakt_hub_events_ingested_total', { type: 'access.granted' })).toBe(2);
    expect(await value('portvakt_hub_events_ingested_total', { type: 'other' })).toBe(1);
    metrics.eventsStored(Array.from({ length: 400 }, (_, i) => ({ type: `made.up_${i}` })));
    const series = (await metrics.registry.getSingleMetric('portvakt_hub_events_ingested_total')!.get())
      .values;
    expect(series.length).toBeLessThanOrEqual(201);
  });

  it('counts command results and config publishes through the wrapped publisher', async () => {
    const { metrics, value } = world();
    metrics.commandResult('done');
    const sent: string[] = [];
    const mqtt = metrics.countingPublisher({ publish: async (topic) => void sent.push(topic) });
    await mqtt.publish('portvakt/v1/p1/config/desired', 'x', { qos: 1 });
    await mqtt.publish('portvakt/v1/p1/config/patch', 'x', { qos: 1 });
    await mqtt.publish('portvakt/v1/p1/commands', 'x', { qos: 1 });
    expect(sent).toHaveLength(3);
    expect(await value('portvakt_hub_command_results_total', { status: 'done' })).toBe(1);
    expect(await value('portvakt_hub_config_publishes_total', { kind: 'snapshot' })).toBe(1);
    expect(await value('portvakt_hub_config_publishes_total', { kind: 'patch' })).toBe(1);
  });

  it('reads panels online and the broker link at scrape', async () => {
    const { value, setOnline } = world();
    expect(await value('portvakt_hub_panels_online')).toBe(2);
    setOnline(0);
    expect(await value('portvakt_hub_panels_online')).toBe(0);
    expect(await value('portvakt_hub_panels')).toBe(3);
    expect(await value('portvakt_hub_mqtt_connected')).toBe(1);
  });
});
