import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { panelConfig } from '../../support/configs.ts';
import { tempDir } from '../../support/temp-dir.ts';

// Property: whatever a client sends to any route, the panel answers 4xx (or 2xx for valid input), never
// 5xx, never crashes, and no relay moves unless a request was a valid granted tap or installer unlock.
describe('local API under arbitrary input', () => {
  let panel: Panel;
  let base: string;

  beforeAll(async () => {
    const dir = tempDir();
    panel = new Panel({
      config: validateConfig(panelConfig({ storePath: join(dir, 'panel.db') })),
      logger: silentLogger,
    });
    await panel.start();
    const { port } = panel.apiAddress();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await panel.stop();
  });

  const routes = [
    ['POST', '/api/v1/sim/readers/entrance-reader/tap'],
    ['POST', '/api/v1/sim/readers/%ZZ/tap'],
    ['POST', '/api/v1/sim/inputs/entrance.tamper'],
    ['POST', '/api/v1/doors/entrance/unlock'],
    ['GET', '/api/v1/events'],
    ['POST', '/api/v1/doors'],
  ] as const;

  it('never answers 5xx and keeps the relay locked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify({ uid: v })),
        ),
        fc.string({ maxLength: 40 }),
        fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'),
        async ([method, path], body, query, contentType) => {
          const url = `${base}${path}?${encodeURIComponent(query)}`;
          const res = await fetch(url, {
            method,
            headers: { 'content-type': contentType, authorization: 'Bearer not-the-token' },
            ...(method === 'GET' ? {} : { body }),
          });
          expect(res.status).toBeLessThan(500);
          const json = (await res.json()) as { error?: { message: string } };
          if (res.status >= 400) expect(json.error?.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const relays = (await (await fetch(`${base}/api/v1/sim/relays`)).json()) as {
      relays: { energizeCount: number }[];
    };
    expect(relays.relays[0]?.energizeCount).toBe(0);
  });
});
