/**
 * docs/operating.md, run as written: its `sh` blocks, in order, with bash, through `portvakt-hub` and
 * `portvakt` on PATH as setup.sh links them — against a Mosquitto started from deploy/mosquitto/ with TLS,
 * the hub as its own process (`portvakt-hub serve`) and the panel as its own (`portvakt --config`).
 *
 * A marker comment before a block says what the test does with it: `run` (must exit 0), `background`
 * (a daemon, stopped at the end) or `lab` (system installation the lab stands in for); `then: NAME` names a
 * check or a lab step that follows it (STEPS below). The lab's only changes to the commands: paths under
 * /etc, /var and /root move into a temp root, the broker's host and the ports become the lab's, and
 * `systemctl reload mosquitto` becomes a SIGHUP. The wiring step (what an installer edits in panel.yaml)
 * puts the panel on simulated GPIO and reader, whose tap route stands in for the card on the reader.
 * Section 5b pairs a second panel by its code: its base config gets the same simulated wiring, the hub's
 * https address becomes the lab's loopback one, and the example code becomes the one the panel shows.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort } from '../../scripts/lab/free-port.ts';
import { type MosquittoHandle, startMosquitto } from '../../scripts/lab/mosquitto.ts';
import { shippedFile } from '../../scripts/lab/mosquitto-config.ts';
import { until } from '../../scripts/lab/until.ts';
import { tempDir } from '../support/temp-dir.ts';
import { makeTestPki } from '../support/tls-certs.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const GUIDE = readFileSync(join(ROOT, 'docs/operating.md'), 'utf8');
const UID = '04A1B2C3';
const PANEL = 'entrance-a';

/** The few fields of hub answers the checks read. */
interface HubReply {
  status?: string;
  online?: boolean;
  config?: { reportedVersion: number | null; publishedVersion: number | null };
}

interface Block {
  mode: 'run' | 'background' | 'lab';
  step: string | undefined;
  script: string;
}

/** The marked `sh` blocks of the guide, in order. */
function guideBlocks(): Block[] {
  const marked =
    /<!-- operating-test: (run|background|lab)(?:; then: ([a-z-]+))?[^>]*-->\n```sh\n([\s\S]*?)\n```/g;
  return [...GUIDE.matchAll(marked)].map((m) => ({
    mode: m[1] as Block['mode'],
    step: m[2],
    script: m[3]!,
  }));
}

describe('docs/operating.md', () => {
  const root = tempDir('portvakt-operating-');
  const bin = tempDir();
  const daemons: ChildProcess[] = [];
  let broker: MosquittoHandle | undefined;
  let hubPort = 0;
  let panelPort = 0;
  /** The second panel's, paired by its code (section 5b). */
  let panelBPort = 0;
  let pairingCode = '';

  afterAll(async () => {
    for (const d of daemons.reverse()) {
      if (d.exitCode !== null || d.signalCode !== null) continue;
      const exited = new Promise((resolve) => d.once('exit', resolve));
      process.kill(-d.pid!, 'SIGTERM');
      await exited;
    }
    await broker?.stop();
  });

  /** The guide's command text as the lab runs it. */
  const labText = (script: string): string => {
    let text = script
      .replaceAll('/etc/mosquitto/portvakt', broker?.dir ?? '/nonexistent-broker-dir')
      .replaceAll('systemctl reload mosquitto', `kill -HUP ${broker?.pid ?? 0}`)
      .replaceAll('mqtts://broker.example:8883', `mqtts://127.0.0.1:${broker?.port ?? 0}`)
      .replaceAll('127.0.0.1:8090', `127.0.0.1:${hubPort}`)
      // Section 5b: the hub as the second panel reaches it, that panel's local API, the code it shows.
      .replaceAll('https://hub.example', `http://127.0.0.1:${hubPort}`)
      .replaceAll('127.0.0.1:8080', `127.0.0.1:${panelBPort}`)
      .replaceAll('7KQ4-M2XD', pairingCode);
    // One pass, whole path components: /etc/portvakt must not also rewrite /etc/portvakt-hub.
    text = text.replace(
      /(?<![\w/.-])\/(?:etc\/portvakt-hub|etc\/portvakt|var\/lib\/portvakt-hub|var\/lib\/portvakt-b|var\/backups|root)(?=[/\s'"]|$)/gm,
      (dir) => join(root, dir),
    );
    // The admin API on the lab's port (the guide uses the default, 8090).
    return text.replace('portvakt-hub serve ', `portvakt-hub serve --http-port ${hubPort} `);
  };
  const env = () => ({ ...process.env, PATH: `${bin}:${process.env['PATH']}` });
  const runBlock = (script: string): string => {
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', labText(script)], {
      cwd: root,
      env: env(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (run.status !== 0)
      throw new Error(`block failed (${run.status}):\n${script}\n${run.stderr}${run.stdout}`);
    return run.stdout;
  };
  const adminToken = () =>
    /PORTVAKT_HUB_ADMIN_TOKEN=(\S+)/.exec(readFileSync(join(root, 'etc/portvakt-hub/hub.env'), 'utf8'))![1]!;
  const hubGet = async (path: string) =>
    (await fetch(`http://127.0.0.1:${hubPort}${path}`, {
      headers: { authorization: `Bearer ${adminToken()}` },
    }).then((r) => r.json())) as HubReply;
  const tap = async () =>
    (await fetch(`http://127.0.0.1:${panelPort}/api/v1/sim/readers/reader-1/tap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: UID }),
    }).then((r) => r.json())) as { granted: boolean; reason: string };

  /** What follows a block: a lab step, or a check of what the block did. */
  const STEPS: Record<string, (output: string, block: Block) => Promise<void>> = {
    broker: async () => {
      const pki = makeTestPki(tempDir());
      // deploy/mosquitto as installed, with an empty password file: the guide adds the hub and the panel.
      broker = await startMosquitto({
        users: {},
        acl: shippedFile('acl'),
        tls: { caFile: pki.caCert, certFile: pki.serverCert, keyFile: pki.serverKey },
      });
      copyFileSync(pki.caCert, join(root, 'etc/portvakt-hub/ca.crt'));
      mkdirSync(join(root, 'etc/portvakt'), { recursive: true });
      copyFileSync(pki.caCert, join(root, 'etc/portvakt/ca.crt'));
    },
    'hub-up': async () => {
      await until(
        async () => (await hubGet('/healthz').catch((): HubReply => ({}))).status === 'ok',
        'the hub to connect to the broker',
        15_000,
      );
    },
    backup: async () => {
      for (const file of ['hub.db', 'hub-signing-key.json'])
        expect(existsSync(join(root, 'var/backups/portvakt-hub', file))).toBe(true);
      expect(statSync(join(root, 'var/lib/portvakt-hub/hub-signing-key.json')).mode & 0o777).toBe(0o600);
    },
    wiring: async () => {
      const file = join(root, 'etc/portvakt/panel.yaml');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const config = parse(readFileSync(file, 'utf8'));
      expect(config.api.installerToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(config.doors.map((d: { id: string }) => d.id)).toEqual(['entrance-a-front']);
      // What the installer edits: the wiring (here the simulator's), the store, and the broker's CA.
      config.hardware = { gpio: 'sim', reader: 'sim' };
      for (const door of config.doors) door.relay.chip = 'pinctrl-sim';
      config.store = { path: join(root, 'var/lib/portvakt/panel.db') };
      config.api = { ...config.api, host: '127.0.0.1', port: panelPort };
      config.sync.ca = join(root, 'etc/portvakt/ca.crt');
      // The checks tap faster than a hand: no repeat-tap window, so each tap is decided on the card.
      config.access = { repeatTapWindowMs: 0 };
      writeFileSync(file, stringify(config), { mode: 0o600 });
    },
    'panel-up': async () => {
      await until(
        async () => {
          const p = await hubGet(`/api/v1/panels/${PANEL}`);
          return p.online === true && p.config?.reportedVersion === p.config?.publishedVersion;
        },
        'the panel to apply its config',
        15_000,
      );
    },
    'pairing-base': async () => {
      // What the image would have differently: the simulator's wiring, the lab's port.
      const file = join(root, 'etc/portvakt/base-b.yaml');
      const config = parse(readFileSync(file, 'utf8'));
      expect(config.sync).toBeUndefined();
      config.hardware = { gpio: 'sim', reader: 'sim' };
      for (const door of config.doors) door.relay.chip = 'pinctrl-sim';
      config.api = { host: '127.0.0.1', port: panelBPort };
      writeFileSync(file, stringify(config), { mode: 0o600 });
    },
    'pairing-panel-up': async () => {
      await until(
        async () => {
          const r = await fetch(`http://127.0.0.1:${panelBPort}/api/v1/pairing`).catch(() => undefined);
          return r?.ok === true && ((await r.json()) as { state: string }).state === 'waiting';
        },
        'the unpaired panel to show a code',
        15_000,
      );
    },
    'pairing-code': async (output) => {
      const status = JSON.parse(output) as { state: string; code: string };
      expect(status.state).toBe('waiting');
      expect(status.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      pairingCode = status.code;
    },
    paired: async (output) => {
      const claim = JSON.parse(output);
      expect(claim).toMatchObject({
        panelId: 'entrance-b',
        doors: [{ id: 'entrance-b-front', wired: 'relay-1' }],
      });
      expect(claim.installerPin).toMatch(/^\d{8}$/);
      await until(
        async () => {
          const p = await hubGet('/api/v1/panels/entrance-b');
          return p.online === true && p.config?.reportedVersion === p.config?.publishedVersion;
        },
        'the paired panel to apply its config',
        20_000,
      );
      const kit = join(root, 'var/lib/portvakt-b/provisioned.yaml');
      expect(statSync(kit).mode & 0o777).toBe(0o600);
    },
    accounts: async (output) => {
      // Two JSON answers, each with its password shown once, which logs in at the running hub.
      const added = output
        .split(/\n(?=\{)/)
        .map((text) => JSON.parse(text) as { account: { username: string }; password: string });
      expect(added.map((a) => a.account.username)).toEqual(['ops', 'karin']);
      for (const { account, password } of added) {
        const login = await fetch(`http://127.0.0.1:${hubPort}/api/v1/admin/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: account.username, password }),
        });
        expect(((await login.json()) as { next: string }).next).toBe('enrol_totp');
      }
    },
    granted: async () => {
      await until(async () => (await tap()).granted, "Anna's card to be granted", 5000);
    },
    status: async (output) => {
      const status = JSON.parse(output);
      expect(status).toMatchObject({
        online: true,
        doors: { wired: ['entrance-a-front'], missingOnPanel: [], unknownAtHub: [] },
      });
      expect(status.state.configVersion).toBe(status.config.reportedVersion);
      expect(status.state.configVersion).toBeGreaterThan(0);
    },
    events: async (output, block) => {
      // Events upload within moments of the tap: the guide's command, again, until the grant is there.
      let events: { type: string; cursor: number }[] = JSON.parse(output).events;
      await until(
        () => {
          events = JSON.parse(runBlock(block.script)).events;
          return events.some((e) => e.type === 'access.granted');
        },
        'access.granted at the hub',
        5000,
      );
      const cursors = events.map((e) => e.cursor);
      expect(cursors).toEqual([...cursors].sort((a, b) => b - a));
    },
    denied: async () => {
      // At once: the running hub sees the CLI's commit within its 200 ms check (bounded far below the old
      // 30 s sweep, with room for a loaded machine).
      await until(async () => !(await tap()).granted, 'the revoked card to be denied', 5000);
      expect(await tap()).toMatchObject({ granted: false, reason: 'card_revoked' });
    },
  };

  it('takes a new operator from nothing to a granted tap, and a revoke that holds at once', async () => {
    execFileSync(join(ROOT, 'scripts/link-commands.sh'), [bin]);
    hubPort = await freePort();
    panelPort = await freePort();
    panelBPort = await freePort();
    const blocks = guideBlocks();
    expect(blocks.map((b) => b.step).filter(Boolean)).toEqual(Object.keys(STEPS));
    for (const block of blocks) {
      let output = '';
      if (block.mode === 'run') output = runBlock(block.script);
      else if (block.mode === 'background') {
        const child = spawn('bash', ['-euo', 'pipefail', '-c', `exec 2>&1; ${labText(block.script)}`], {
          cwd: root,
          env: env(),
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let log = '';
        child.stdout!.on('data', (d) => {
          log = (log + d).slice(-20_000);
        });
        child.once('exit', (code) => {
          if (code !== 0 && code !== null) process.stderr.write(`daemon exited ${code}:\n${log}\n`);
        });
        daemons.push(child);
      }
      if (block.step) await STEPS[block.step]!(output, block);
    }
  }, 90_000);

  it('marks every sh block but the installation and the reissue example', () => {
    const all = [...GUIDE.matchAll(/```sh\n/g)].length;
    expect(all - guideBlocks().length).toBe(2);
  });
});
