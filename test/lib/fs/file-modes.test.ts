/**
 * Panel and hub keep their data to their own user: started on fresh folders under a umask that would make
 * every new file world-readable, every folder they create is 0700 and every file (databases with -wal and
 * -shm, the hub's signing key) 0600; files an older version left 0644 in a 0755 folder are tightened.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { writePrivateFile } from '../../../lib/fs/private-files.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { openSqlite } from '../../../lib/sqlite/open.ts';
import { startBroker } from '../../cloud-sync/hub/hub-harness.ts';
import { panelConfig } from '../../support/configs.ts';
import { startTestHub } from '../../support/hub.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** Mode (permission bits) of every folder and file under `root`, by relative path. */
function modes(root: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = join(rel, entry.name);
    out[path] = (statSync(join(root, path)).mode & 0o777).toString(8);
    if (entry.isDirectory()) Object.assign(out, modes(root, path));
  }
  return out;
}

function expectPrivate(root: string, entries: Record<string, string>): void {
  for (const [path, mode] of Object.entries(entries)) {
    const isDir = statSync(join(root, path)).isDirectory();
    expect(mode, path).toBe(isDir ? '700' : '600');
  }
}

describe('file modes', () => {
  let umask: number;
  beforeEach(() => {
    umask = process.umask(0o000);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('a panel on a fresh folder: folders 0700, database, -wal and -shm 0600', async () => {
    const root = tempDir();
    const panel = new Panel({
      config: validateConfig(panelConfig({ storePath: join(root, 'var', 'lib', 'portvakt', 'panel.db') })),
      logger: silentLogger,
    });
    await panel.start();
    try {
      const found = modes(root);
      expect(Object.keys(found)).toEqual(
        expect.arrayContaining([
          'var',
          join('var', 'lib', 'portvakt', 'panel.db'),
          join('var', 'lib', 'portvakt', 'panel.db-wal'),
        ]),
      );
      expectPrivate(root, found);
    } finally {
      await panel.stop();
    }
    expectPrivate(root, modes(root));
  });

  it('a hub on a fresh folder: its folder 0700, hub.db (-wal, -shm) and the signing key 0600', async () => {
    const broker = await startBroker();
    const root = tempDir();
    const dataDir = join(root, 'hub-data');
    const hub = await startTestHub({ brokerUrl: broker.url, protocolVersion: 4, dataDir });
    try {
      const found = modes(root);
      expect(Object.keys(found)).toEqual(
        expect.arrayContaining([
          'hub-data',
          join('hub-data', 'hub.db'),
          join('hub-data', 'hub-signing-key.json'),
        ]),
      );
      expectPrivate(root, found);
    } finally {
      await hub.stop();
      await broker.close();
    }
  });

  it('tightens a database, its -wal and -shm and its folder that an older version left open', () => {
    const root = tempDir();
    const dir = join(root, 'data');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const path = join(dir, 'old.db');
    const first = openSqlite(path, { what: 'test database', migrations: [], logger: silentLogger });
    first.db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    for (const file of ['old.db', 'old.db-wal', 'old.db-shm']) chmodSync(join(dir, file), 0o644);
    chmodSync(dir, 0o755);
    first.db.close();
    writeFileSync(join(dir, 'old.db-journal'), '');
    chmodSync(join(dir, 'old.db-journal'), 0o666);
    const again = openSqlite(path, { what: 'test database', migrations: [], logger: silentLogger });
    try {
      expectPrivate(root, modes(root));
    } finally {
      again.db.close();
    }
  });

  it('leaves a shared (sticky) folder as it is, and still makes the database 0600', () => {
    const shared = join(tempDir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const opened = openSqlite(join(shared, 'x.db'), {
      what: 'test database',
      migrations: [],
      logger: silentLogger,
    });
    try {
      expect(statSync(shared).mode & 0o7777).toBe(0o1777);
      expect(statSync(join(shared, 'x.db')).mode & 0o777).toBe(0o600);
    } finally {
      opened.db.close();
    }
  });

  it('writes provisioned files 0600, also over an existing file that was 0644', () => {
    const dir = tempDir();
    const path = join(dir, 'panel.yaml');
    writeFileSync(path, 'old');
    chmodSync(path, 0o644);
    writePrivateFile(path, 'sync: { password: x }\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('sync: { password: x }\n');
    writePrivateFile(join(dir, 'new.line'), 'p1:hash\n');
    expect(statSync(join(dir, 'new.line')).mode & 0o777).toBe(0o600);
  });
});
