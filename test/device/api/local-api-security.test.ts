/**
 * The panel's local API against a browser on the panel's network and a hostile client: the audit log
 * needs a token, DNS rebinding (a foreign Host) and cross-site state changes are refused, an oversized
 * body does not break the client's next request, and request targets that do not parse are a 400.
 */
import { Agent } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { INSTALLER, panelConfig } from '../../support/configs.ts';
import { rawHttp, rawRequestText } from '../../support/raw-http.ts';
import { tempDir } from '../../support/temp-dir.ts';

const READ_TOKEN = 'test-read-token-0123456789';

async function startPanel(api: Record<string, unknown>): Promise<Panel> {
  const config = panelConfig({ storePath: join(tempDir(), 'panel.db') });
  const panel = new Panel({
    config: validateConfig({ ...config, api: { host: '127.0.0.1', port: 0, ...api } }),
    logger: silentLogger,
  });
  await panel.start();
  return panel;
}

describe('panel local API hardening', () => {
  let panel: Panel;
  let port: number;
  const tap = (headers: Record<string, string>) =>
    rawHttp(port, 'POST', '/api/v1/sim/readers/entrance-reader/tap', {
      headers,
      body: JSON.stringify({ uid: '04A1B2C3' }),
    });

  beforeAll(async () => {
    panel = await startPanel({
      installerToken: 'test-installer-token-0123456789',
      readToken: READ_TOKEN,
      allowedOrigins: ['http://panel.local:8080'],
    });
    port = panel.apiAddress().port;
  });
  afterAll(async () => {
    await panel.stop();
  });

  it('serves the audit log only with the read token or the installer token', async () => {
    const events = (headers: Record<string, string>) => rawHttp(port, 'GET', '/api/v1/events', { headers });
    expect((await events({})).status).toBe(401);
    expect((await events({ authorization: 'Bearer not-the-token' })).status).toBe(401);
    const read = await events({ authorization: `Bearer ${READ_TOKEN}` });
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toHaveProperty('events');
    expect((await events(INSTALLER)).status).toBe(200);
    // The read token is no installer token.
    const unlock = await rawHttp(port, 'POST', '/api/v1/doors/entrance/unlock', {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    expect(unlock.status).toBe(401);
  });

  it('refuses reading events at all when no token is configured', async () => {
    const bare = await startPanel({});
    try {
      const reply = await rawHttp(bare.apiAddress().port, 'GET', '/api/v1/events');
      expect(reply.status).toBe(401);
      expect(reply.body).toMatch(/api\.readToken/);
    } finally {
      await bare.stop();
    }
  });

  it('refuses a Host that does not name the panel (DNS rebinding), for reads too', async () => {
    for (const host of ['attacker.example', 'attacker.example:80', `127.0.0.1.attacker.example:${port}`]) {
      const reply = await rawHttp(port, 'GET', '/healthz', { headers: { host } });
      expect(reply.status, host).toBe(403);
      expect(reply.body).toMatch(/not a name of this server.*api\.allowedOrigins/);
    }
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      '192.168.1.20',
      'panel.local:8080',
    ])
      expect((await rawHttp(port, 'GET', '/healthz', { headers: { host } })).status, host).toBe(200);
    // An absolute-form target names the host as well.
    const absolute = await rawRequestText(
      port,
      `GET http://attacker.example/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('refuses cross-site state changes and accepts same-origin and allowed ones', async () => {
    const self = `http://127.0.0.1:${port}`;
    const crossSite = await tap({ origin: 'http://attacker.example' });
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body).error.message).toMatch(
      /cross-site request from origin "http:\/\/attacker\.example" refused/,
    );
    expect((await tap({ origin: 'null' })).status).toBe(403);
    // Same host, other port: another origin.
    expect((await tap({ origin: 'http://127.0.0.1:1' })).status).toBe(403);
    expect((await tap({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const same = await tap({ origin: self });
    expect(same.status, same.body).toBe(200);
    expect((await tap({ origin: 'http://panel.local:8080', host: 'panel.local:8080' })).status).toBe(200);
    // Scripts and curl send neither header: the tokens guard those, not this check.
    expect((await tap({})).status).toBe(200);
    // Reads from another origin are not state changes (the browser keeps the answer from the page).
    expect(
      (await rawHttp(port, 'GET', '/healthz', { headers: { origin: 'http://attacker.example' } })).status,
    ).toBe(200);
  });

  it('answers an oversized body with 413 and Connection: close; the next request on the agent works', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await rawHttp(port, 'GET', '/healthz', { agent });
      expect((await rawHttp(port, 'GET', '/healthz', { agent })).socket).toBe(first.socket);
      const big = await rawHttp(port, 'POST', '/api/v1/sim/readers/entrance-reader/tap', {
        agent,
        body: JSON.stringify({ uid: 'A'.repeat(200_000) }),
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
});
