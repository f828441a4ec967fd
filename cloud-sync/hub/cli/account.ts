/**
 * `portvakt-hub account …`: the operator's first steps into WebAdmin without curl. An account needs a
 * password and a TOTP second factor; the password is generated here and shown once, and the second
 * factor is enrolled by the account holder at their first login in WebAdmin (`/admin/`), so nobody but
 * them ever sees its secret. Writes the hub database directly, like the other admin commands.
 */
import { randomUUID } from 'node:crypto';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { NotFoundError, ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import { ADMIN_ROLES, newAccountBody } from '../../protocol/admin-api.ts';
import { hashPassword, randomPassword } from '../store/passwords.ts';
import { withStore } from './admin.ts';
import {
  type CliIo,
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  parse,
  printJson,
  required,
  showHelp,
} from './common.ts';

export const ACCOUNT_COMMANDS: Record<string, string> = {
  'account add': 'create an administrator account; prints its password (shown once)',
  'account list': 'list the administrator accounts',
  'account password': 'give an account a new password (ends its sessions); prints it',
  'account reset-second-factor': 'make an account enrol a new TOTP at its next login',
  'account disable': 'disable an account (ends its sessions)',
  'account enable': 'enable a disabled account',
};

const FIRST_LOGIN =
  'Log in at http://HUB:8090/admin/ with this username and password; the first login enrols the TOTP second factor and shows ten recovery codes once.';

const USAGES: Record<string, string> = {
  'account add': `usage: portvakt-hub account add --username U --name "Display name" --role ${ADMIN_ROLES.join('|')} [--building ID …]\n\nA building administrator needs at least one --building (repeat the flag for more). The password is\ngenerated and printed once. ${FIRST_LOGIN}`,
  'account list': 'usage: portvakt-hub account list',
  'account password': 'usage: portvakt-hub account password --username U',
  'account reset-second-factor': 'usage: portvakt-hub account reset-second-factor --username U',
  'account disable': 'usage: portvakt-hub account disable --username U',
  'account enable': 'usage: portvakt-hub account enable --username U',
};

const OPTIONS = {
  ...DATA_DIR_OPTION,
  username: { type: 'string' as const },
  name: { type: 'string' as const },
  role: { type: 'string' as const },
  building: { type: 'string' as const, multiple: true },
};

export function runAccount(command: string, args: string[], io: CliIo): number {
  const values = parse(args, OPTIONS);
  if (values['help']) return showHelp(io, `${USAGES[command]}\n${DATA_DIR_HELP}\n`);
  if (command === 'account add') return add(values, io);
  if (command === 'account list')
    return withStore(values, io, (store) => printJson(io, { accounts: store.adminAccounts.list() }));
  const username = required(values, 'username');
  return withStore(values, io, (store) => {
    const account = store.adminAccounts.credentialsByUsername(username);
    if (!account) throw new NotFoundError(`no account "${username}" (portvakt-hub account list)`);
    const accounts = store.adminAccounts;
    if (command === 'account password') {
      const password = randomPassword();
      printJson(io, {
        account: accounts.update(account.id, { passwordHash: hashPassword(password) }),
        password,
      });
    } else if (command === 'account reset-second-factor') {
      accounts.resetTotp(account.id);
      printJson(io, accounts.view(account.id));
    } else printJson(io, accounts.update(account.id, { disabled: command === 'account disable' }));
  });
}

function add(values: Record<string, unknown>, io: CliIo): number {
  const password = randomPassword();
  const buildingIds = (values['building'] as string[] | undefined) ?? [];
  // Validated by the API's own schema before the database is opened: a typo leaves no trace.
  const input = parseInput(
    newAccountBody,
    {
      username: required(values, 'username'),
      displayName: required(values, 'name'),
      role: required(values, 'role'),
      password,
      buildingIds,
    },
    'account',
  );
  return withStore(values, io, (store) => {
    const unknown = input.buildingIds.filter((id) => !store.entities.find('buildings', id));
    if (unknown.length)
      throw new ValidationError(`no building ${unknown.map((id) => `"${id}"`).join(', ')} at this hub`);
    const account = store.adminAccounts.create({
      id: randomUUID(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      passwordHash: hashPassword(password),
      buildingIds: input.buildingIds,
      createdAt: new SystemClock().now(),
    });
    printJson(io, { account, password, next: FIRST_LOGIN });
  });
}
