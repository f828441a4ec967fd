/**
 * `portvakt-hub` command line: `node cloud-sync/hub/cli.ts <command> [--help]`. Every bad argument ends
 * in a one-line error and exit code 2; nothing is changed in that case.
 */
import { fileURLToPath } from 'node:url';
import { errorMessage, PortvaktError, ValidationError } from '../../lib/errors.ts';
import { ACCOUNT_COMMANDS, runAccount } from './cli/account.ts';
import { ADD_COMMANDS, runAdd, runCardRevoke } from './cli/admin.ts';
import { type CliIo, readProcessStdin, showHelp } from './cli/common.ts';
import { runImport } from './cli/import.ts';
import { runProvision } from './cli/provision.ts';
import { RELEASE_COMMANDS, runReleaseAdd, runUpdate } from './cli/release.ts';
import { runServe } from './cli/serve.ts';
import { runSip, SIP_COMMANDS } from './cli/sip.ts';
import { ENTITY_SPECS } from './store/entity-specs.ts';

/** "a building", "an access rule". */
const article = (noun: string) => `${/^[aeio]/.test(noun) ? 'an' : 'a'} ${noun}`;

/** Two-word commands: `building add`, `card revoke`, … (the first word alone answers with its list). */
const PAIR_COMMANDS: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(ADD_COMMANDS).map(([c, spec]) => [c, `add ${article(ENTITY_SPECS[spec.entity].what)}`]),
  ),
  'card revoke': 'revoke a card (final)',
  ...ACCOUNT_COMMANDS,
  ...SIP_COMMANDS,
  ...RELEASE_COMMANDS,
};

const listing = (commands: Record<string, string>) => {
  const width = Math.max(20, ...Object.keys(commands).map((c) => c.length)) + 2;
  return Object.entries(commands)
    .map(([c, what]) => `  ${c.padEnd(width)}${what}`)
    .join('\n');
};

const USAGE = `usage: portvakt-hub <command> [options]   (each command takes --help)

${listing({
  serve: 'run the hub (MQTT + admin HTTP API)',
  provision: 'create a panel and write its config and broker credentials (--reissue: new ones)',
  import: "import a building's units, residents and cards from CSV (--dry-run first)",
  update: 'start a software update on a panel (a release of the catalogue; asks the running hub)',
  ...PAIR_COMMANDS,
})}
`;

const GROUPS = new Set(Object.keys(PAIR_COMMANDS).map((c) => c.split(' ')[0]!));

/** `portvakt-hub card --help`: the group's commands. */
function groupUsage(group: string): string {
  const commands = Object.fromEntries(
    Object.entries(PAIR_COMMANDS).filter(([c]) => c.startsWith(`${group} `)),
  );
  return `usage: portvakt-hub ${group} <${Object.keys(commands)
    .map((c) => c.split(' ')[1])
    .join('|')}> [options]   (each takes --help)\n\n${listing(commands)}\n`;
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h' || arg === 'help';

export async function runHubCli(argv: string[], io: CliIo): Promise<number> {
  const [first = '', second = ''] = argv;
  try {
    if (first === '' || isHelp(first)) return showHelp(io, USAGE);
    if (first === 'serve') return await runServe(argv.slice(1), io);
    if (first === 'provision') return await runProvision(argv.slice(1), io);
    if (first === 'import') return runImport(argv.slice(1), io);
    if (first === 'update') return await runUpdate(argv.slice(1), io);
    if (GROUPS.has(first) && (second === '' || second.startsWith('-') || second === 'help')) {
      if (isHelp(second)) return showHelp(io, groupUsage(first));
      throw new ValidationError(`"${first}" needs a command:\n${groupUsage(first)}`);
    }
    const pair = `${first} ${second}`;
    if (pair === 'card revoke') return runCardRevoke(argv.slice(2), io);
    if (Object.hasOwn(ADD_COMMANDS, pair)) return runAdd(pair, argv.slice(2), io);
    if (Object.hasOwn(ACCOUNT_COMMANDS, pair)) return runAccount(pair, argv.slice(2), io);
    if (Object.hasOwn(SIP_COMMANDS, pair)) return runSip(pair, argv.slice(2), io);
    if (pair === 'release add') return await runReleaseAdd(argv.slice(2), io);
    throw new ValidationError(`unknown command "${argv.slice(0, 2).join(' ')}"`);
  } catch (err) {
    if (err instanceof ValidationError) {
      io.err(`error: ${err.message}\n`);
      io.err(`(see: portvakt-hub ${first && first !== '--help' ? `${first} ` : ''}--help)\n`);
      return 2;
    }
    if (err instanceof PortvaktError) {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    io.err(`unexpected error: ${errorMessage(err)}\n`);
    return 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const io: CliIo = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    stdin: readProcessStdin,
  };
  process.exitCode = await runHubCli(process.argv.slice(2), io);
}
