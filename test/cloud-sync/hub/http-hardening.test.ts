/**
 * The hub's HTTP server against a browser elsewhere and a hostile client: DNS rebinding (a foreign Host)
 * and cross-site state changes are refused before any credential is looked at, an oversized body does not
 * break the client's next request, and request targets that do not parse are a 400.
 */
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSettings } from '../../../cloud-sync/hub/cli/serve-settings.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { AUTH } from '../../support/hub.ts';
import { rawHttp, rawRequestText } from '../../support/raw-http.ts';
import { type Broker, startBroker, startHub } from './hub-harness.ts';

describe('hub HTTP hardening', () => {
  let broker: Broker;
  let hub: Hub;
  let port: number;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    port = hub.apiAddress().port;
  });
  afterAll(async () => {
    await hub.stop();
    await broker.close();
  });

  it('refuses a Host that does not name the hub (DNS rebinding)', async () => {
    const rebound = await rawHttp(port, 'GET', '/api/v1/buildings', {
      headers: { ...AUTH, host: 'attacker.example' },
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/http\.allowedOrigins/);
    expect((await rawHttp(port, 'GET', '/api/v1/buildings', { headers: AUTH })).status).toBe(200);
    // The broker's auth backend is called server to server, under whatever name the broker was given;
    // its own secret guards it.
    const broker = await rawHttp(port, 'POST', '/api/v1/broker/auth', {
      headers: { host: 'hub.internal:8090', authorization: 'Bearer wrong-secret' },
      body: JSON.stringify({ username: 'u', password: 'p' }),
    });
    expect(broker.status).not.toBe(403);
    expect((await rawHttp(port, 'GET', '/healthz', { headers: { host: `localhost:${port}` } })).status).toBe(
      200,
    );
  });

  it('refuses cross-site state changes, before the credential is checked', async () => {
    const create = (headers: Record<string, string>) =>
      rawHttp(port, 'POST', '/api/v1/buildings', {
        headers: { ...AUTH, ...headers },
        body: JSON.stringify({ id: 'b-origin', name: 'B', timeZone: 'UTC' }),
      });
    const crossSite = await create({ origin: 'https://attacker.example' });
    expect(crossSite.status).toBe(403);
    // A resident login from another site is refused the same way (no password is even tried).
    const login = await rawHttp(port, 'POST', '/api/v1/resident/login', {
      headers: { origin: 'https://attacker.example' },
      body: JSON.stringify({ email: 'anna@example.com', password: 'x'.repeat(16) }),
    });
    expect(login.status).toBe(403);
    expect((await create({ origin: `http://127.0.0.1:${port}` })).status).toBe(201);
  });

  it('answers an oversized body with 413 and Connection: close; the next request on the agent works', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await rawHttp(port, 'GET', '/healthz', { agent });
      expect((await rawHttp(port, 'GET', '/healthz', { agent })).socket).toBe(first.socket);
      const big = await rawHttp(port, 'POST', '/api/v1/buildings', {
        agent,
        headers: AUTH,
        body: JSON.stringify({ name: 'x'.repeat(600 * 1024) }),
      });
      expect(big.status).toBe(413);
      expect(big.headers['connection']).toBe('close');
      const next = await rawHttp(port, 'GET', '/healthz', { agent });
      expect(next.status).toBe(200);
      expect(next.socket).not.toBe(big.socket);
    } finally {
      agent.destroy();
    }
  });

  it('answers a request target that does not parse with 400', async () => {
    const reply = await rawRequestText(
      port,
      'GET http://a:99999/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('bad_request_target');
  });

  it('takes allowed origins from --allowed-origins / PORTVAKT_HUB_ALLOWED_ORIGINS, comma-separated', () => {
    const env = { PORTVAKT_HUB_ADMIN_TOKEN: 'x'.repeat(16) };
    const settings = serveSettings(
      {},
      { ...env, PORTVAKT_HUB_ALLOWED_ORIGINS: 'https://hub.example.com, https://hub.example.com:8443' },
    );
    expect(settings.http.allowedOrigins).toEqual(['https://hub.example.com', 'https://hub.example.com:8443']);
    expect(() => serveSettings({ 'allowed-origins': 'https://hub.example.com/app/' }, env)).toThrow(
      /--allowed-origins: .*no path/,
    );
  });
});
