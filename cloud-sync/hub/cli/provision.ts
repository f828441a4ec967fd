/**
 * `provision`: everything an installer needs for one panel in one command. Creates the panel (and, with
 * `--door`, its doors) at the hub with a random broker password (the hub keeps only its scrypt hash) and
 * a random installer token (the hub keeps nothing of it) — provisioning/provision-panel.ts, which pairing
 * shares — and installer PIN (panel.yaml gets only its scrypt hash; the PIN is printed once, or read from
 * --installer-pin-file), and writes the kit (provision-kit.ts).
 *
 * A panel exists once: provisioning it again is refused, so its working credentials are never replaced by
 * accident. `--reissue` is the explicit way to replace them (a lost kit, a leaked password): new broker
 * password and installer token, a new kit, and the steps the installer must redo on the broker and panel.
 */

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { hashPin, pinSchema, randomPin } from '../../../lib/crypto/pin-hash.ts';
import { errorMessage, ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { provisionPanel } from '../provisioning/provision-panel.ts';
import { loadOrCreateKeys } from '../signer/keys.ts';
import { ENTITY_SPECS } from '../store/entity-specs.ts';
import { openHubStore } from '../store/hub-store.ts';
import {
  type CliIo,
  type CliValue,
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  dataDir,
  optional,
  parse,
  printJson,
  required,
  showHelp,
} from './common.ts';
import { assertKitDirFree, writeKit } from './provision-kit.ts';
import { SIP_EDGE_HELP, SIP_EDGE_OPTIONS, sipEdgeFlags, writeEdgeNow } from './sip-edge-flags.ts';

export const PROVISION_HELP = `usage: portvakt-hub provision --panel-id ID --building ID [--name NAME] [--door ID[=NAME]]...
                             --broker-url URL --out DIR [--sip-edge-url URL --sip-domain D [--sip-ca FILE]]
       portvakt-hub provision --reissue --panel-id ID --broker-url URL --out DIR [--sip-…]

Creates the panel at the hub and writes panel.yaml, mosquitto.passwd.line and mosquitto.acl.lines to DIR.
  --panel-id ID      device id (a-z, 0-9, _ and -); also the broker username
  --building ID      an existing building
  --name NAME        panel name (default: the id)
  --door ID[=NAME]   a door of this panel (repeatable): created at the hub and wired in panel.yaml, so
                     both sides name the same doors (doors added later: \`door add\`, then wire them)
  --broker-url URL   what the panel connects to, e.g. mqtts://broker.example:8883
  --out DIR          the kit; refused if it already holds one (files with secrets are written 0600)
  --installer-pin-file FILE
                     the installer PIN (6-12 digits, first line of FILE; "-": standard input); without
                     it a random 8-digit PIN is generated and printed once. panel.yaml gets only its hash
                     (api.installerPinHash); the PIN opens installer mode on the panel's screen
  --reissue          the panel exists: replace its broker password, installer token and PIN (the old ones
                     stop working once the broker's passwd line and the panel's panel.yaml are replaced),
                     and with a SIP edge its SIP password (the old one stops working at once)
${SIP_EDGE_HELP}
${DATA_DIR_HELP}

With a SIP edge, panel.yaml gets intercom.phone: the panel's SIP account (username = panel id, a random
password kept nowhere else; the hub keeps only its digest) for calling residents' phones (phone fallback).
Without one the panel has no phone fallback (\`portvakt-hub sip rotate\` adds it later).
`;

const BROKER_URL = /^mqtts?:\/\/[^\s/]+(?::\d+)?\/?$/;

export async function runProvision(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, {
    ...DATA_DIR_OPTION,
    'panel-id': { type: 'string' },
    building: { type: 'string' },
    name: { type: 'string' },
    door: { type: 'string', multiple: true },
    'broker-url': { type: 'string' },
    out: { type: 'string' },
    reissue: { type: 'boolean' },
    'installer-pin-file': { type: 'string' },
    ...SIP_EDGE_OPTIONS,
  });
  if (values['help']) return showHelp(io, PROVISION_HELP);
  const reissue = values['reissue'] === true;
  const panelId = required(values, 'panel-id');
  const buildingId = reissue ? optional(values, 'building') : required(values, 'building');
  const brokerUrl = required(values, 'broker-url');
  const out = required(values, 'out');
  // Same form the panel's config schema accepts for sync.brokerUrl.
  if (!BROKER_URL.test(brokerUrl))
    throw new ValidationError('--broker-url must be mqtts://host[:port] (or mqtt:// on a trusted network)');
  const doors = doorFlags(values['door'], panelId);
  const sip = sipEdgeFlags(values, io);
  assertKitDirFree(out);
  const pinFile = optional(values, 'installer-pin-file');
  // Read (and checked) before the hub changes anything: a bad PIN file provisions nothing.
  const installerPin = pinFile === undefined ? randomPin() : await readPinFile(pinFile, io);
  const installerPinHash = await hashPin(installerPin);
  const dir = dataDir(values, io);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = await loadOrCreateKeys(dir, silentLogger);
  const clock = new SystemClock();
  const store = openHubStore(join(dir, 'hub.db'), { clock, logger: silentLogger });
  try {
    const provisioned = provisionPanel(
      store,
      {
        panelId,
        buildingId,
        name: optional(values, 'name'),
        doors,
        reissue,
        sip: sip.address,
        reissueHint: `portvakt-hub provision --reissue --panel-id ${panelId} --broker-url URL --out NEW_DIR`,
      },
      clock.now(),
    );
    const { panel, building, installerToken } = provisioned;
    if (sip.edgeDb !== undefined && provisioned.phone) writeEdgeNow(store, sip.edgeDb, panel.buildingId, io);
    const files = writeKit(out, {
      panelId,
      name: panel.name,
      timeZone: building.timeZone,
      doors: provisioned.doors,
      brokerUrl,
      password: provisioned.brokerPassword,
      installerToken,
      installerPinHash,
      hubPublicKey: keys.publicKeyText,
      phone: provisioned.phone,
    });
    const hasPasswdLine = files.some((f) => f.endsWith('mosquitto.passwd.line'));
    if (!hasPasswdLine)
      io.err(
        `mosquitto_passwd not found: on the broker run\n  mosquitto_passwd -b /etc/mosquitto/portvakt/passwd ${panelId} '<sync.password from panel.yaml>'\n`,
      );
    if (reissue) io.err(reissueSteps(panelId, out, provisioned.phone !== undefined));
    printJson(io, {
      panelId,
      buildingId: panel.buildingId,
      reissued: reissue,
      doors: provisioned.doors.map((d) => d.id),
      hubPublicKey: keys.publicKeyText,
      // Shown once: the hub keeps no copy (it is also in panel.yaml, api.installerToken).
      installerToken,
      // Shown once, when generated: panel.yaml holds only its hash (api.installerPinHash).
      installerPin:
        pinFile === undefined ? installerPin : `as given in ${pinFile === '-' ? 'standard input' : pinFile}`,
      // The SIP password is only in panel.yaml (intercom.phone).
      phoneFallback: provisioned.phone
        ? { username: panelId, domain: provisioned.phone.domain, edgeUrl: provisioned.phone.edgeUrl }
        : 'none: no SIP edge given (--sip-edge-url and --sip-domain)',
      files,
    });
    return 0;
  } finally {
    store.close();
  }
}

/** What the installer must redo after a reissue (printed to stderr; stdout stays the JSON). */
function reissueSteps(panelId: string, out: string, phone: boolean): string {
  return `New credentials for ${panelId}; until both steps are done the panel cannot reach the broker:
  1. broker: replace the "${panelId}:" line of /etc/mosquitto/portvakt/passwd with ${join(out, 'mosquitto.passwd.line')}
     and reload Mosquitto (systemctl reload mosquitto); the ACL lines are unchanged.
  2. panel: install ${join(out, 'panel.yaml')} (keep your wiring: copy only sync.password and
     api.installerToken, api.installerPinHash${phone ? ' and intercom.phone' : ''} into the existing file) and restart the panel.${phone ? '\n     Its old SIP password stopped working now: phone calls fail until then.' : ''}
`;
}

/** The installer PIN from the first line of a file, or of standard input for "-". */
async function readPinFile(file: string, io: CliIo): Promise<string> {
  let text: string;
  try {
    if (file === '-') {
      if (!io.stdin) throw new Error('no standard input here');
      text = await io.stdin();
    } else text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ValidationError(`--installer-pin-file: cannot read ${file}: ${errorMessage(err)}`);
  }
  const pin = (text.split(/\r?\n/)[0] ?? '').trim();
  // The PIN itself is never quoted back.
  if (!pinSchema.safeParse(pin).success)
    throw new ValidationError('--installer-pin-file: the first line must be the PIN, 6-12 digits');
  return pin;
}

/** `--door ID[=NAME]` flags as door rows, validated before the database is opened. */
function doorFlags(flags: CliValue, panelId: string): { id: string; panelId: string; name: string }[] {
  const list = Array.isArray(flags) ? flags : [];
  const doors = list.map((flag) => {
    const [id = '', ...rest] = flag.split('=');
    const door = { id, panelId, name: rest.length ? rest.join('=') : id };
    parseInput(ENTITY_SPECS.doors.schema, door, `--door ${flag}`);
    return door;
  });
  if (new Set(doors.map((d) => d.id)).size !== doors.length)
    throw new ValidationError('--door: the same door id twice');
  return doors;
}
