/**
 * The installer's kit `provision` writes for one panel (to its --out dir):
 *   panel.yaml             panel config with the `sync:` section, the installer token, the installer PIN's
 *                          hash and, with a SIP edge,
 *                          `intercom.phone` (the panel's SIP account) (0600: secrets)
 *   mosquitto.passwd.line  `id:$7$…` from mosquitto_passwd, when installed (0600)
 *   mosquitto.acl.lines    the panel's block for deploy/mosquitto/acl: per leaf, it writes what it sends
 *                          and reads what it receives (protocol/broker-rights.ts)
 * Nothing is overwritten: a kit already in the dir is refused before the hub changes anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ValidationError } from '../../../lib/errors.ts';
import { writePrivateFile } from '../../../lib/fs/private-files.ts';
import { panelAclLines } from '../../protocol/broker-rights.ts';
import type { PanelPhoneSection } from '../sip/panel-account.ts';
import type { Door } from '../store/entity-specs.ts';

export const KIT_FILES = ['panel.yaml', 'mosquitto.passwd.line', 'mosquitto.acl.lines'] as const;

export interface KitContents {
  panelId: string;
  name: string;
  timeZone: string;
  /** The panel's doors at the hub: panel.yaml wires each (placeholder relay lines to edit). */
  doors: readonly Pick<Door, 'id' | 'name'>[];
  brokerUrl: string;
  password: string;
  installerToken: string;
  /** scrypt hash of the installer PIN (lib/crypto/pin-hash.ts); the PIN itself is never written. */
  installerPinHash: string;
  hubPublicKey: string;
  /** The panel's SIP account for the phone fallback (`intercom.phone`); absent: no phone fallback. */
  phone?: PanelPhoneSection | undefined;
}

/** Throws when the out dir already holds a kit file: an installer's edited panel.yaml is never lost. */
export function assertKitDirFree(out: string): void {
  const taken = KIT_FILES.filter((f) => existsSync(join(out, f)));
  if (taken.length > 0)
    throw new ValidationError(
      `${out} already holds ${taken.join(', ')}: refusing to overwrite; give an empty or new --out DIR`,
    );
}

/** Writes the kit; returns the paths written (no passwd line when mosquitto_passwd is not installed). */
export function writeKit(out: string, kit: KitContents): string[] {
  mkdirSync(out, { recursive: true, mode: 0o700 });
  const written = [join(out, 'panel.yaml'), join(out, 'mosquitto.acl.lines')];
  writePrivateFile(written[0]!, panelYaml(kit));
  writeFileSync(
    written[1]!,
    `# Append to /etc/mosquitto/portvakt/acl (deploy/mosquitto/README.md), then reload Mosquitto.\n${panelAclLines(kit.panelId)}`,
  );
  const passwdLine = mosquittoPasswdLine(kit.panelId, kit.password);
  if (passwdLine) {
    writePrivateFile(join(out, 'mosquitto.passwd.line'), passwdLine);
    written.push(join(out, 'mosquitto.passwd.line'));
  }
  return written;
}

function panelYaml(p: KitContents): string {
  // Doors come from the hub (their ids must match); without any, one placeholder the panel will report
  // as unknown to the hub until a door of that id is added there.
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
    api: { installerToken: p.installerToken, installerPinHash: p.installerPinHash },
    sync: { brokerUrl: p.brokerUrl, username: p.panelId, password: p.password, hubPublicKey: p.hubPublicKey },
    // The phone fallback: the panel calls residents' phones through the SIP edge with this account.
    ...(p.phone ? { intercom: { phone: p.phone } } : {}),
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
