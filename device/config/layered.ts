/**
 * The panel's config in two layers. The base file (`--config`, e.g. the image's) holds the wiring —
 * doors and their relays and inputs, readers, hardware drivers — and the `pairing` section; pairing
 * (device/pairing/) leaves `<data dir>/provisioned.yaml`, the kit the hub sealed for this panel: its
 * identity, broker login, the hub's key, the installer token, the installer PIN's hash and SIP account. Layered, the two make the
 * config the panel runs. Deleting provisioned.yaml (a factory reset) makes the panel unpaired again.
 *
 * Doors: the kit names, for each hub door, the base config's wired door it is (`wired`); that door (and
 * every reader's reference to it) takes the hub's id and name. Never by position: the administrator chose
 * the mapping from the panel's own list. A wired door the kit does not name keeps its base id (the hub
 * does not know it: reported as a door mismatch, and it stays locked).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { type PanelKit, panelKit } from '../../cloud-sync/protocol/pairing.ts';
import { ConfigError, errorMessage } from '../../lib/errors.ts';
import { ensurePrivateDir, writePrivateFile } from '../../lib/fs/private-files.ts';
import { parseYamlText, validateConfig } from './load.ts';
import { DEFAULT_STORE_PATH, type PanelConfig } from './schema.ts';

export const PROVISIONED_FILE = 'provisioned.yaml';
/** The broker's CA from the kit, as a file the sync section can pin. */
export const BROKER_CA_FILE = 'broker-ca.pem';
/** An unpaired panel's identity until the kit gives it its own (the base config has none). */
export const UNPAIRED_PANEL = { id: 'unpaired', name: 'New panel' } as const;

type Raw = Record<string, unknown>;

/** The data dir of a config (raw or parsed): its store's folder. */
export function dataDirOf(raw: unknown): string {
  const store = isRecord(raw) && isRecord(raw['store']) ? raw['store']['path'] : undefined;
  return dirname(typeof store === 'string' && store !== '' ? store : DEFAULT_STORE_PATH);
}

export const provisionedPath = (dataDir: string): string => join(dataDir, PROVISIONED_FILE);

/** The base config file with the provisioned kit over it, when there is one. */
export function loadLayeredConfig(path: string): PanelConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${errorMessage(err)}`);
  }
  const base = parseYamlText(text, path);
  if (!isRecord(base)) return validateConfig(base, path);
  const dataDir = dataDirOf(base);
  const kitFile = provisionedPath(dataDir);
  if (!existsSync(kitFile)) {
    // Unpaired: the base has no identity yet; the pairing client runs under a placeholder one.
    const raw =
      base['pairing'] !== undefined && base['panel'] === undefined
        ? { ...base, panel: UNPAIRED_PANEL }
        : base;
    return validateConfig(raw, path);
  }
  const kit = readKit(kitFile);
  return validateConfig(layerKit(base, kit, ensureBrokerCa(dataDir, kit)), `${path} with ${kitFile}`);
}

/** Writes the kit as provisioned.yaml (0600: it holds passwords) and the broker's CA beside it. */
export function writeProvisioned(dataDir: string, kit: PanelKit): string {
  const file = provisionedPath(dataDir);
  ensurePrivateDir(dataDir);
  writePrivateFile(
    file,
    `# Written by pairing with the hub: this panel's identity and credentials, layered over its base\n# config. Delete it (factory reset) to pair again.\n${stringify(kit)}`,
  );
  ensureBrokerCa(dataDir, kit);
  return file;
}

/** The base config (plain data) with the kit over it; validated by the caller. */
export function layerKit(base: Raw, kit: PanelKit, brokerCaPath?: string): Raw {
  const renamed = new Map(kit.doors.map((d) => [d.wired, d]));
  const doors = Array.isArray(base['doors'])
    ? base['doors'].map((door: unknown) => {
        if (!isRecord(door) || typeof door['id'] !== 'string') return door;
        const hub = renamed.get(door['id']);
        return hub ? { ...door, id: hub.id, name: hub.name } : door;
      })
    : base['doors'];
  const readers = Array.isArray(base['readers'])
    ? base['readers'].map((reader: unknown) =>
        isRecord(reader) && Array.isArray(reader['doors'])
          ? {
              ...reader,
              doors: reader['doors'].map((d: unknown) =>
                typeof d === 'string' ? (renamed.get(d)?.id ?? d) : d,
              ),
            }
          : reader,
      )
    : base['readers'];
  const { caPem: _caPem, ...sync } = kit.sync;
  const intercom = isRecord(base['intercom']) ? base['intercom'] : undefined;
  return {
    ...base,
    panel: kit.panel,
    doors,
    readers,
    api: {
      ...(isRecord(base['api']) ? base['api'] : {}),
      installerToken: kit.installerToken,
      installerPinHash: kit.installerPinHash,
    },
    sync: {
      ...(isRecord(base['sync']) ? base['sync'] : {}),
      ...sync,
      ...(brokerCaPath === undefined ? {} : { ca: brokerCaPath }),
    },
    // As `provision` writes it: the phone fallback's account makes the intercom section if there was none.
    ...(kit.phone ? { intercom: { ...intercom, phone: kit.phone } } : {}),
  };
}

function readKit(file: string): PanelKit {
  let raw: unknown;
  try {
    raw = parseYamlText(readFileSync(file, 'utf8'), file);
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${errorMessage(err)}; delete it to pair the panel again`);
  }
  const parsed = panelKit.safeParse(raw);
  if (!parsed.success) {
    // Paths only: the file holds passwords.
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new ConfigError(
      `${file} is not a pairing kit: ${issues.join('; ')}; delete it to pair again`,
      issues,
    );
  }
  return parsed.data;
}

/** The CA file from the kit's PEM, (re)written when missing or changed; undefined when the kit has none. */
function ensureBrokerCa(dataDir: string, kit: PanelKit): string | undefined {
  const pem = kit.sync.caPem;
  if (pem === undefined) return undefined;
  const file = join(dataDir, BROKER_CA_FILE);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current !== pem) writeFileSync(file, pem, { mode: 0o644 });
  return file;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
