/**
 * The checks and the command line behind `portvakt-kiosk` (bin/portvakt-kiosk, a small bash launcher):
 * `--cage-args` validates the kiosk config and the environment, then prints cage's arguments one per
 * line; the launcher runs cage with them and stays its parent. `--help` explains the command.
 *
 * The session cage runs is the built bundle (dist/kiosk-session.js, `npm run build`) when present: Node
 * running the TypeScript sources keeps the type stripper in memory (about 25 MB of PSS, docs/kiosk.md).
 */
import { existsSync } from 'node:fs';
import { errorMessage } from '../../lib/errors.ts';
import { DEFAULT_KIOSK_CONFIG_PATH, loadKioskConfig } from './kiosk-config.ts';

const BUILT_SESSION = new URL('../../dist/kiosk-session.js', import.meta.url).pathname;
const SOURCE_SESSION = new URL('./kiosk-session.ts', import.meta.url).pathname;

export const HELP = `Usage: portvakt-kiosk [--config FILE]

Runs the panel page full screen on the panel's touchscreen: cage (a Wayland kiosk compositor) with
Chromium on the page, started again when it ends, and the screen dark at night until touched. Runs as
the kiosk's own user, never root (deploy/kiosk/portvakt-kiosk.service).

  --config FILE   kiosk settings (default ${DEFAULT_KIOSK_CONFIG_PATH}; a missing key takes its default;
                  example: deploy/kiosk/kiosk.yaml)
  --help          this text

Environment: XDG_RUNTIME_DIR, a tmpfs the user owns (systemd's PAM session makes it). Without a screen
(tests): WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman. See docs/kiosk.md.
`;

/** cage's arguments: no client-side decorations, the rotation, then the session with the config. */
export function cageArgs(configPath: string, rotate: number, session = sessionScript()): string[] {
  return [
    '-d',
    ...Array.from({ length: rotate / 90 }, () => '-r'),
    '--',
    process.execPath,
    session,
    '--config',
    configPath,
  ];
}

function sessionScript(): string {
  return existsSync(BUILT_SESSION) ? BUILT_SESSION : SOURCE_SESSION;
}

/** What stops the kiosk from starting, or undefined. */
export function startProblem(
  configPath: string,
  env: NodeJS.ProcessEnv,
  uid: number | undefined,
): string | undefined {
  try {
    loadKioskConfig(configPath);
  } catch (err) {
    return errorMessage(err);
  }
  // cage refuses to start as root (it could not drop rights it does not need), and a browser should
  // not have them either.
  if (uid === 0) return 'runs as the kiosk user, not root (see deploy/kiosk/portvakt-kiosk.service)';
  if (!env['XDG_RUNTIME_DIR'])
    return 'XDG_RUNTIME_DIR is not set (a systemd PAM session makes it; docs/kiosk.md)';
  return undefined;
}

function main(args: readonly string[]): number {
  if (args.includes('--help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const i = args.indexOf('--config');
  const configPath = i >= 0 ? args[i + 1] : DEFAULT_KIOSK_CONFIG_PATH;
  if (!configPath || !args.includes('--cage-args')) {
    process.stderr.write(HELP);
    return 2;
  }
  const problem = startProblem(configPath, process.env, process.getuid?.());
  if (problem) {
    process.stderr.write(`portvakt-kiosk: ${problem}\n`);
    return 2;
  }
  const { rotate } = loadKioskConfig(configPath);
  process.stdout.write(`${cageArgs(configPath, rotate).join('\n')}\n`);
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
