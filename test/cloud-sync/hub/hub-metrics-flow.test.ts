import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { until } from '../../../scripts/lab/until.ts';
import { startTestHub } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker } from './hub-harness.ts';

const TOKEN = 'hub-scrape-token-0123456789';

// The hub's figures as panels drive it over a real broker (aedes): publishes, state, events, results.
describe('hub metrics from panel traffic', () => {
  let broker: Broker;
  let hub: Hub;
  let panel: FakePanel;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, metrics: { token: TOKEN } });
    panel = await fakePanel(broker.url, 'p1');
    seed(hub);
  });
  afterAll(async () => {
    await panel?.close();
    await hub?.stop();
    await broker?.close();
  });

  // Each scrape may be up to a second old (the render is cached): poll until the figure moves.
  const figure = async (pattern: RegExp) => {
    const res = await fetch(`http://127.0.0.1:${hub.apiAddress().port}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return Number(pattern.exec(await res.text())?.[1] ?? Number.NaN);
  };
  const reaches = (pattern: RegExp, atLeast: number, what: string) =>
    until(async () => (await figure(pattern)) >= atLeast, what, 10_000, 200);

  it('counts signed snapshots published, panels online, events by type and command results', async () => {
    await reaches(/^portvakt_hub_config_publishes_total\{kind="snapshot"\} (\d+)/m, 2, 'two snapshots');
    expect(await figure(/^portvakt_hub_panels (\d+)/m)).toBe(2);
    await panel.publish('state', { protocol: 1, status: 'online', configVersion: 0, lastSeq: 0 });
    await reaches(/^portvakt_hub_panels_online (\d+)/m, 1, 'one panel online');
    const event = (seq: number, type: string) => ({
      id: `ev-${seq}`,
      seq,
      ts: 1_767_225_600_000 + seq,
      type,
      doorId: 'door-a',
      readerId: 'r1',
      data: {},
    });
    await panel.publish('events', {
      protocol: 1,
      afterSeq: 0,
      events: [event(1, 'access.denied'), event(2, 'access.denied'), event(3, 'alarm.raised')],
    });
    await reaches(/^portvakt_hub_events_ingested_total\{type="access.denied"\} (\d+)/m, 2, 'two denials');
    await reaches(/^portvakt_hub_events_ingested_total\{type="alarm.raised"\} (\d+)/m, 1, 'the alarm');
    await panel.publish('commands/result', { protocol: 1, nonce: 'n1', status: 'failed', at: Date.now() });
    await reaches(/^portvakt_hub_command_results_total\{status="failed"\} (\d+)/m, 1, 'the failed result');
  });
});
