/**
 * The panel's pairing requests over https with the hub's CA pinned (`pairing.ca`): against a hub whose
 * certificate chains to that CA it talks; against another CA's (or with none pinned, the system's) it
 * refuses before sending anything. Replies are parsed: a 404 poll means "ask anew", a refusal keeps the
 * hub's message, an oversized reply is cut off.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRING_REQUESTS_PATH } from '../../../cloud-sync/protocol/pairing.ts';
import { HttpsHubPairing } from '../../../device/pairing/hub-client.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { makeTestPki, type TestPki } from '../../support/tls-certs.ts';

const BODY = { publicKey: 'A'.repeat(43), doors: [{ id: 'relay-1', name: 'Door on relay 1' }] };

describe('pairing over https with the hub CA pinned', () => {
  let pki: TestPki;
  let server: Server;
  let hubUrl = '';
  const seen: string[] = [];

  beforeAll(async () => {
    pki = makeTestPki(tempDir());
    server = createServer(
      { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) },
      (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        if (req.method === 'POST' && req.url === PAIRING_REQUESTS_PATH) {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              requestId: 'r1',
              code: 'ABCD2345',
              pollToken: 't'.repeat(32),
              expiresAt: 1,
              ttlMs: 900_000,
            }),
          );
        } else if (req.url === `${PAIRING_REQUESTS_PATH}/gone`) {
          res.writeHead(404).end('{}');
        } else if (req.url === `${PAIRING_REQUESTS_PATH}/busy`) {
          res.writeHead(429, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'rate_limited', message: 'too many pairing polls' } }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`{"state":"waiting","expiresAt":1,"pad":"${'x'.repeat(200_000)}"}`);
        }
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('talks to the hub whose certificate chains to the pinned CA', async () => {
    const hub = new HttpsHubPairing({ hubUrl, ca: pki.caCert });
    expect(await hub.request(BODY)).toMatchObject({ requestId: 'r1', code: 'ABCD2345' });
    expect(await hub.poll('gone', 't'.repeat(32))).toBe('gone');
    await expect(hub.poll('busy', 't'.repeat(32))).rejects.toThrow(/429: too many pairing polls/);
    await expect(hub.poll('big', 't'.repeat(32))).rejects.toThrow(/too large/);
  });

  it('refuses a hub whose certificate the pinned CA did not sign, sending nothing', async () => {
    const other = makeTestPki(tempDir());
    const before = seen.length;
    await expect(new HttpsHubPairing({ hubUrl, ca: other.caCert }).request(BODY)).rejects.toThrow();
    await expect(new HttpsHubPairing({ hubUrl }).request(BODY)).rejects.toThrow();
    expect(seen.length).toBe(before);
  });
});
