/**
 * Small admin commands that write the hub database directly (for scripts and first setup). A running hub
 * on the same data dir notices the commit within its check interval (recompileIntervalMs, 200 ms: it
 * watches SQLite's data_version) and publishes the resulting config changes at once.
 */

import { join } from 'node:path';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { changeCardStatus } from '../store/card-status.ts';
import { ENTITY_SPECS, type EntityName } from '../store/entity-specs.ts';
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

interface AddCommand {
  entity: EntityName;
  /** flag → field; `?` suffix marks an optional flag, `#` a number. */
  flags: Record<string, string>;
}

export const ADD_COMMANDS: Record<string, AddCommand> = {
  'building add': { entity: 'buildings', flags: { id: 'id', name: 'name', 'time-zone': 'timeZone' } },
  'unit add': { entity: 'units', flags: { id: 'id', building: 'buildingId', name: 'name' } },
  'door add': { entity: 'doors', flags: { id: 'id', panel: 'panelId', name: 'name' } },
  'resident add': { entity: 'residents', flags: { id: 'id', unit: 'unitId', name: 'name' } },
  'card add': {
    entity: 'cards',
    flags: {
      id: 'id',
      uid: 'uid',
      resident: 'residentId',
      'valid-from?#': 'validFrom',
      'valid-until?#': 'validUntil',
    },
  },
  'rule add': {
    entity: 'accessRules',
    flags: { id: 'id', resident: 'residentId', door: 'doorId', 'time-profile?': 'timeProfileId' },
  },
};

const flagName = (flag: string) => flag.replace(/[?#]/g, '');

export function addHelp(command: string): string {
  const spec = ADD_COMMANDS[command]!;
  const flags = Object.keys(spec.flags).map((f) =>
    f.includes('?') ? `[--${flagName(f)} X]` : `--${flagName(f)} X`,
  );
  return `usage: portvakt-hub ${command} ${flags.join(' ')}\n\nAdds a ${ENTITY_SPECS[spec.entity].what} and prints it as JSON.\n${DATA_DIR_HELP}\n`;
}

export function runAdd(command: string, args: string[], io: CliIo): number {
  const spec = ADD_COMMANDS[command]!;
  const options = {
    ...DATA_DIR_OPTION,
    ...Object.fromEntries(Object.keys(spec.flags).map((f) => [flagName(f), { type: 'string' as const }])),
  };
  const values = parse(args, options);
  if (values['help']) return showHelp(io, addHelp(command));
  const row: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(spec.flags)) {
    const name = flagName(flag);
    const value = flag.includes('?') ? values[name] : required(values, name);
    if (value === undefined) continue;
    row[field] = flag.includes('#') ? toNumber(name, String(value)) : value;
  }
  // Validated before the database is opened, so a typo leaves no trace (not even a new empty hub.db).
  parseInput(ENTITY_SPECS[spec.entity].schema, row, ENTITY_SPECS[spec.entity].what);
  return withStore(values, io, (store) => {
    // Doors belong to a panel, and a panel comes into being by provisioning it: say so, not just "no panel".
    const panelId = row['panelId'];
    if (spec.entity === 'doors' && typeof panelId === 'string' && !store.entities.find('panels', panelId))
      throw new ValidationError(
        `no panel "${panelId}": a panel is created by provisioning it, which can create its doors too ` +
          `(portvakt-hub provision --panel-id ${panelId} --building B --door ${String(row['id'])}=NAME …)`,
      );
    printJson(io, store.entities.create(spec.entity, row));
  });
}

export function runCardRevoke(args: string[], io: CliIo): number {
  const values = parse(args, { ...DATA_DIR_OPTION, id: { type: 'string' } });
  if (values['help'])
    return showHelp(
      io,
      `usage: portvakt-hub card revoke --id CARD\n\nRevokes a card (final). A running hub on the same data dir publishes the change within a fraction\nof a second; to learn when every panel has applied it, revoke through the admin API instead:\n  POST /api/v1/cards/CARD/revoke?wait=5000  (answers the panels that applied it, and those that did not)\n${DATA_DIR_HELP}\n`,
    );
  const id = required(values, 'id');
  return withStore(values, io, (store) => printJson(io, changeCardStatus(store.entities, id, 'revoke')));
}

/** Runs `fn` on the hub database of the data dir the flags name, closing it after. */
export function withStore(
  values: Record<string, unknown>,
  io: CliIo,
  fn: (store: ReturnType<typeof openHubStore>) => void,
): number {
  const store = openHubStore(join(dataDir(values, io), 'hub.db'), {
    clock: new SystemClock(),
    logger: silentLogger,
  });
  try {
    fn(store);
    return 0;
  } finally {
    store.close();
  }
}

function toNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new ValidationError(`--${flag} must be epoch milliseconds (an integer)`);
  return n;
}
