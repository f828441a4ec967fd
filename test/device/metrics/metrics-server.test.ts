import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsServer } from '../../../device/metrics/metrics-server.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

// The panel's metrics listener: who may scrape, what else it answers, and what one scrape costs.
describe('metrics listener', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => server?.stop());

  const TOKEN = 'scrape-token-0123456789';

  const start = async (token?: string) => {
    const registry = new Registry();
    const counter = new Counter({ name: 'test_things_total', help: 'things', registers: [registry] });
    const clock = new FakeClock();
    server = new MetricsServer({ host: '127.0.0.1', port: 0, token, registry, clock, logger: silentLogger });
    await server.start();
    const base = `http://127.0.0.1:${server.address().port}`;
    return { base, counter, clock };
  };

  it('serves the text format without a token when none is configured', async () => {
    const { base, counter } = await start();
    counter.inc();
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('test_things_total 1');
  });

  it('refuses a scrape without the token (401) or with a wrong one, and takes the right one', async () => {
    const { base } = await start(TOKEN);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${base}/metrics`, {
      headers: { authorization: 'Bearer wrong-token-0123456789' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('test_things_total');
    const right = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
  });

  it('answers 405 to other methods, 404 to other paths, 413 to a body, 403 to a foreign Host', async () => {
    const { base } = await start();
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/metrics`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(404);
    const big = await fetch(`${base}/metrics`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(64 * 1024),
    });
    expect([405, 413]).toContain(big.status);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/metrics`, { headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject).end();
    });
    expect(status).toBe(403);
  });

  it('renders once per second at most: a scrape loop gets the cached text', async () => {
    const { base, counter, clock } = await start();
    const scrape = async () =>
      (await (await fetch(`${base}/metrics`)).text()).includes('test_things_total 1');
    expect(await scrape()).toBe(false);
    counter.inc();
    expect(await scrape()).toBe(false);
    clock.advance(1000);
    expect(await scrape()).toBe(true);
  });
});
