/**
 * A bell press reaches Home Assistant against a real Mosquitto: the doorbell event (the bell named only
 * as the screen shows it) and the visitor picture from the intercom's camera (the sim camera through
 * GStreamer), as raw JPEG bytes on the image topic, bounded in size and in rate.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Panel } from '../../../device/main.ts';
import type { MosquittoHandle } from '../../../scripts/lab/mosquitto.ts';
import { until } from '../../../scripts/lab/until.ts';
import { eventPayloadIssue } from '../../support/home-assistant-schemas.ts';
import { HaObserver, startHaBroker, startHaPanel } from './ha-lab.ts';

const BASE = 'portvakt/demo-panel';

let broker: MosquittoHandle;
let panel: Panel | undefined;
let observer: HaObserver | undefined;

beforeAll(async () => {
  broker = await startHaBroker();
  observer = await HaObserver.connect(broker.port);
  panel = await startHaPanel({ brokerPort: broker.port, intercom: true, imageMinIntervalS: 3600 });
  await observer.lastIs(`${BASE}/availability`, 'online');
}, 30_000);
afterAll(async () => {
  observer?.close();
  await panel?.stop();
  await broker?.stop();
});

const ring = async (bellId: string): Promise<number> => {
  const base = `http://127.0.0.1:${panel!.apiAddress().port}`;
  return (await fetch(`${base}/api/v1/bells/${bellId}/ring`, { method: 'POST' })).status;
};

it('sends a ring event with the bell’s shown text and the visitor picture, at most once per interval', async () => {
  const o = observer!;
  expect(await ring('bell-anna')).toBe(202);
  await until(() => o.on(`${BASE}/doorbell`).length === 1, 'the ring event');
  const [event] = o.on(`${BASE}/doorbell`);
  expect(event!.retain).toBe(false);
  const body = JSON.parse(event!.payload.toString('utf8'));
  expect(eventPayloadIssue(body, ['ring'])).toBeUndefined();
  expect(body).toMatchObject({ event_type: 'ring', busy: false });
  // The bell's text exactly as the screen lists it for anyone at the door.
  const base = `http://127.0.0.1:${panel!.apiAddress().port}`;
  const shown = (await (await fetch(`${base}/api/v1/directory`)).json()) as {
    bells: { bellId: string; displayText: string }[];
  };
  expect(body.bell).toBe(shown.bells.find((b) => b.bellId === 'bell-anna')?.displayText);

  await until(() => o.on(`${BASE}/visitor/image`).length === 1, 'the visitor picture', 15_000);
  const [image] = o.on(`${BASE}/visitor/image`);
  expect(image!.retain).toBe(true);
  expect([image!.payload[0], image!.payload[1]]).toEqual([0xff, 0xd8]);
  expect(image!.payload.length).toBeLessThanOrEqual(64 * 1024);

  // A second press while the call rings (busy): its event goes out, a picture does not.
  await ring('bell-anna');
  await until(() => o.on(`${BASE}/doorbell`).length === 2, 'the second ring event');
  expect(JSON.parse(o.on(`${BASE}/doorbell`)[1]!.payload.toString('utf8'))).toMatchObject({ busy: true });
  expect(o.on(`${BASE}/visitor/image`)).toHaveLength(1);
}, 30_000);
