/**
 * `portvakt-hub release add FILE`: verifies a signed RAUC bundle against the release keyring (the one
 * panels pin) and adds it to the catalogue in the data dir. `portvakt-hub update --panel ID --release ID`:
 * asks the running hub (admin API) to send the panel a signed update.install.
 */
import { join } from 'node:path';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { PortvaktError, ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { ReleaseCatalogue } from '../releases/catalogue.ts';
import { openHubStore } from '../store/hub-store.ts';
import {
  type CliIo,
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  dataDir,
  parse,
  printJson,
  required,
  showHelp,
} from './common.ts';

export const RELEASE_COMMANDS: Record<string, string> = {
  'release add': 'verify a signed update bundle against the release keyring and add it to the catalogue',
};

const ADD_USAGE = `usage: portvakt-hub release add --file BUNDLE --keyring PEM

Checks the bundle's signature against the release keyring (the certificate panels pin as
/etc/rauc/keyring.pem) with \`rauc info\`, checks it is for portvakt panels, and keeps a copy in the data
dir. Prints the release (id, version, sha256, size). Adding the same bundle again prints the same release.
  --file BUNDLE    a .raucb made by scripts/image/bundle.sh
  --keyring PEM    the release keyring (settings releases.keyring)
${DATA_DIR_HELP}
`;

export async function runReleaseAdd(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, { ...DATA_DIR_OPTION, file: { type: 'string' }, keyring: { type: 'string' } });
  if (values['help']) return showHelp(io, ADD_USAGE);
  const file = required(values, 'file');
  const keyring = required(values, 'keyring');
  const dir = dataDir(values, io);
  const clock = new SystemClock();
  const store = openHubStore(join(dir, 'hub.db'), { clock, logger: silentLogger });
  try {
    const release = await new ReleaseCatalogue({ store, dataDir: dir, keyring, clock }).add(file);
    printJson(io, release);
    return 0;
  } finally {
    store.close();
  }
}

const UPDATE_USAGE = `usage: portvakt-hub update --panel ID --release ID [--allow-downgrade] [--hub-url URL]

Asks the running hub to start the update: it sends the panel a signed update.install. Follow it with
GET /api/v1/panels/ID (\`update\`). The admin token comes from PORTVAKT_HUB_ADMIN_TOKEN.
  --hub-url URL        the hub's admin API (default http://127.0.0.1:8090)
  --allow-downgrade    install even if the release is older than what the panel runs
`;

export async function runUpdate(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, {
    help: { type: 'boolean', short: 'h' },
    panel: { type: 'string' },
    release: { type: 'string' },
    'allow-downgrade': { type: 'boolean' },
    'hub-url': { type: 'string' },
  });
  if (values['help']) return showHelp(io, UPDATE_USAGE);
  const panel = required(values, 'panel');
  const releaseId = required(values, 'release');
  const token = io.env['PORTVAKT_HUB_ADMIN_TOKEN'];
  if (!token) throw new ValidationError('PORTVAKT_HUB_ADMIN_TOKEN is not set');
  const base = String(values['hub-url'] ?? 'http://127.0.0.1:8090').replace(/\/+$/, '');
  const res = await fetch(`${base}/api/v1/panels/${encodeURIComponent(panel)}/update`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ releaseId, allowDowngrade: values['allow-downgrade'] === true }),
  }).catch((err: unknown) => {
    throw new PortvaktError('unreachable', `hub at ${base} unreachable: ${(err as Error).message}`);
  });
  const reply = await res.json().catch(() => ({}));
  if (!res.ok)
    throw new PortvaktError(
      'refused',
      `hub answered ${res.status}: ${(reply as { message?: string }).message ?? ''}`,
    );
  printJson(io, reply);
  return 0;
}
