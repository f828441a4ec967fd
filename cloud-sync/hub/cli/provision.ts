/**
 * `provision`: everything an installer needs for one panel in one command. Creates the panel record with
 * a random broker password (the hub keeps only its scrypt hash) and writes to the out dir:
 *   panel.yaml             panel config with the `sync:` section (0600: it holds the password)
 *   mosquitto.passwd.line  `id:$7$…` from mosquitto_passwd, when installed
 *   mosquitto.acl.lines    the panel's block for deploy/mosquitto/acl: per leaf, it writes what it sends
 *                          and reads what it receives (protocol/broker-rights.ts)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { writePrivateFile } from '../../../lib/fs/private-files.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { panelAclLines } from '../../protocol/broker-rights.ts';
import { loadOrCreateKeys } from '../signer/keys.ts';
import type { Door } from '../store/entity-specs.ts';
import { openHubStore } from '../store/hub-store.ts';
import { hashPassword, randomPassword } from '../store/passwords.ts';
import {
  type CliIo,
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  dataDir,
  optional,
  parse,
  printJson,
  required,
  showHelp,
} from './common.ts';

export const PROVISION_HELP = `usage: portvakt-hub provision --panel-id ID --building ID [--name NAME] --broker-url URL --out DIR

Creates the panel at the hub and writes panel.yaml, mosquitto.passwd.line and mosquitto.acl.lines to DIR.
  --panel-id ID      device id (a-z, 0-9, _ and -); also the broker username
  --building ID      an existing building
  --name NAME        panel name (default: the id)
  --broker-url URL   what the panel connects to, e.g. mqtts://broker.example:8883
  --out DIR          created if missing; files with secrets are written 0600
${DATA_DIR_HELP}
`;

export async function runProvision(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, {
    ...DATA_DIR_OPTION,
    'panel-id': { type: 'string' },
    building: { type: 'string' },
    name: { type: 'string' },
    'broker-url': { type: 'string' },
    out: { type: 'string' },
  });
  if (values['help']) return showHelp(io, PROVISION_HELP);
  const panelId = required(values, 'panel-id');
  const buildingId = required(values, 'building');
  const brokerUrl = required(values, 'broker-url');
  const out = required(values, 'out');
  // Same form the panel's config schema accepts for sync.brokerUrl.
  if (!/^mqtts?:\/\/[^\s/]+(?::\d+)?\/?$/.test(brokerUrl))
    throw new ValidationError('--broker-url must be mqtts://host[:port] (or mqtt:// on a trusted network)');
  const dir = dataDir(values, io);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = await loadOrCreateKeys(dir, silentLogger);
  const store = openHubStore(join(dir, 'hub.db'), { clock: new SystemClock(), logger: silentLogger });
  try {
    const building = store.entities.get('buildings', buildingId);
    const password = randomPassword();
    const panel = store.transaction(() => {
      const created = store.entities.create('panels', {
        id: panelId,
        name: optional(values, 'name') ?? panelId,
        buildingId,
      });
      store.panels.setPasswordHash(panelId, hashPassword(password));
      return created;
    });
    const doors = store.entities.list('doors', { panelId });
    mkdirSync(out, { recursive: true, mode: 0o700 });
    const config = panelYaml({
      panelId,
      name: panel.name,
      timeZone: building.timeZone,
      doors,
      brokerUrl,
      password,
      hubPublicKey: keys.publicKeyText,
    });
    // 0600 also when an earlier run left the file (writeFile's mode applies at creation only).
    writePrivateFile(join(out, 'panel.yaml'), config);
    writeFileSync(
      join(out, 'mosquitto.acl.lines'),
      `# Append to /etc/mosquitto/portvakt/acl (deploy/mosquitto/README.md), then reload Mosquitto.\n${panelAclLines(panelId)}`,
    );
    const passwdLine = mosquittoPasswdLine(panelId, password);
    if (passwdLine) writePrivateFile(join(out, 'mosquitto.passwd.line'), passwdLine);
    else
      io.err(
        `mosquitto_passwd not found: on the broker run\n  mosquitto_passwd -b /etc/mosquitto/passwd ${panelId} '<sync.password from panel.yaml>'\n`,
      );
    printJson(io, {
      panelId,
      buildingId,
      hubPublicKey: keys.publicKeyText,
      files: ['panel.yaml', 'mosquitto.acl.lines', ...(passwdLine ? ['mosquitto.passwd.line'] : [])].map(
        (f) => join(out, f),
      ),
    });
    return 0;
  } finally {
    store.close();
  }
}

function panelYaml(p: {
  panelId: string;
  name: string;
  timeZone: string;
  doors: readonly Door[];
  brokerUrl: string;
  password: string;
  hubPublicKey: string;
}): string {
  // Doors come from the hub when already defined there (their ids must match); otherwise one placeholder.
  const doors = (p.doors.length ? p.doors : [{ id: 'door-1', name: 'Main entrance' }]).map((d, i) => ({
    id: d.id,
    name: d.name,
    relay: { chip: 'gpiochip0', line: 17 + i },
  }));
  const config = {
    panel: { id: p.panelId, name: p.name, timeZone: p.timeZone },
    hardware: { gpio: 'onoff', reader: 'pcsc' },
    doors,
    readers: [{ id: 'reader-1', name: 'ACS ACR122U', doors: doors.map((d) => d.id) }],
    sync: { brokerUrl: p.brokerUrl, username: p.panelId, password: p.password, hubPublicKey: p.hubPublicKey },
  };
  return `# portvakt panel config written by \`portvakt-hub provision\`.\n# PLACEHOLDERS: set each door's relay chip/line and the reader name to the actual wiring.\n${stringify(config)}`;
}

/** `id:$7$…` via mosquitto_passwd in batch mode on a private temp file; undefined when not installed. */
function mosquittoPasswdLine(user: string, password: string): string | undefined {
  const tmp = mkdtempSync(join(tmpdir(), 'portvakt-passwd-'));
  try {
    const file = join(tmp, 'passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', file, user, password], {
      stdio: 'ignore',
      timeout: 10_000,
    });
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
