/**
 * `portvakt-hub` command line: `node cloud-sync/hub/cli.ts <command> [--help]`. Every bad argument ends
 * in a one-line error and exit code 2; nothing is changed in that case.
 */
import { fileURLToPath } from 'node:url';
import { errorMessage, PortvaktError, ValidationError } from '../../lib/errors.ts';
import { ADD_COMMANDS, runAdd, runCardRevoke } from './cli/admin.ts';
import { type CliIo, showHelp } from './cli/common.ts';
import { runImport } from './cli/import.ts';
import { runProvision } from './cli/provision.ts';
import { runServe } from './cli/serve.ts';

const USAGE = `usage: portvakt-hub <command> [options]   (each command takes --help)

  serve                 run the hub (MQTT + admin HTTP API)
  provision             create a panel and write its config and broker credentials
  ${Object.keys(ADD_COMMANDS).join('\n  ')}
  card revoke           revoke a card
  import                import a building's units, residents and cards from CSV (--dry-run first)
`;

export async function runHubCli(argv: string[], io: CliIo): Promise<number> {
  const [first = '', second = ''] = argv;
  try {
    if (first === '' || first === '--help' || first === '-h' || first === 'help') return showHelp(io, USAGE);
    if (first === 'serve') return await runServe(argv.slice(1), io);
    if (first === 'provision') return await runProvision(argv.slice(1), io);
    if (first === 'import') return runImport(argv.slice(1), io);
    const pair = `${first} ${second}`;
    if (pair === 'card revoke') return runCardRevoke(argv.slice(2), io);
    if (Object.hasOwn(ADD_COMMANDS, pair)) return runAdd(pair, argv.slice(2), io);
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
  };
  process.exitCode = await runHubCli(process.argv.slice(2), io);
}
