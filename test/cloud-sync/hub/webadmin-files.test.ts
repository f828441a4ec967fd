/**
 * WebAdmin's static files at /admin/: public (no token), only the built folder's files of a known type,
 * each with WebAdmin's own CSP (scripts, styles and requests to the hub only; no framing); an unbuilt app
 * says how to build it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_APP_CSP } from '../../../cloud-sync/hub/api/static-files.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { startTestHub } from '../../support/hub.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { type Broker, startBroker } from './hub-harness.ts';

describe('WebAdmin static files', () => {
  let broker: Broker;
  let hub: Hub;
  let unbuilt: Hub;
  const adminWebDir = tempDir();

  beforeAll(async () => {
    writeFileSync(join(adminWebDir, 'index.html'), '<!doctype html><title>admin</title>');
    writeFileSync(join(adminWebDir, 'app.js'), 'console.log(1)');
    writeFileSync(join(adminWebDir, 'notes.txt'), 'not served: unknown type');
    broker = await startBroker();
    hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, adminWebDir });
    unbuilt = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, adminWebDir: tempDir() });
  });
  afterAll(async () => {
    await hub?.stop();
    await unbuilt?.stop();
    await broker?.close();
  });

  const base = (h: Hub) => `http://127.0.0.1:${h.apiAddress().port}`;

  it('serves the built app without a token, with its strict CSP', async () => {
    for (const [path, type] of [
      ['/admin/', 'text/html; charset=utf-8'],
      ['/admin/index.html', 'text/html; charset=utf-8'],
      ['/admin/app.js', 'text/javascript; charset=utf-8'],
    ]) {
      const res = await fetch(`${base(hub)}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-security-policy')).toBe(ADMIN_APP_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ])
      expect(ADMIN_APP_CSP).toContain(directive);
    expect(ADMIN_APP_CSP).not.toMatch(/unsafe|ws:|blob:|\*/);
    const moved = await fetch(`${base(hub)}/admin`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/admin/');
  });

  it('serves nothing else from the folder, and keeps the API behind its credential', async () => {
    expect((await fetch(`${base(hub)}/admin/notes.txt`)).status).toBe(404);
    expect((await fetch(`${base(hub)}/admin/missing.js`)).status).toBe(404);
    expect((await fetch(`${base(hub)}/admin/app.js`, { method: 'POST' })).status).toBe(405);
    // Being public stops at /admin/: the admin API under /api/v1/admin/ still needs a session.
    expect((await fetch(`${base(hub)}/api/v1/admin/me`)).status).toBe(401);
  });

  it('says how to build the app when its folder is empty', async () => {
    const res = await fetch(`${base(unbuilt)}/admin/`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('npm run build');
  });
});
