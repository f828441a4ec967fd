/**
 * `portvakt set-installer-pin --config FILE`: sets the installer PIN of this panel. The PIN is read from
 * standard input — typed without echo (twice) on a terminal, the first line of a pipe otherwise — never
 * from the command line, where `ps` and the shell history would keep it. Only its scrypt hash is written,
 * to the panel's data folder (the folder of store.path), where it overrides `api.installerPinHash`; the
 * running panel uses it from the next PIN entry on. Exit codes: 0 set, 2 bad arguments, config or PIN.
 */
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { hashPin, pinSchema } from '../../lib/crypto/pin-hash.ts';
import { ensurePrivateDir } from '../../lib/fs/private-files.ts';
import { loadLayeredConfig } from '../config/layered.ts';
import { writePinOverride } from './pin-source.ts';

export const SET_PIN_HELP = `usage: portvakt set-installer-pin --config FILE
       portvakt set-installer-pin --data-dir DIR

Sets the installer PIN (6-12 digits) for installer mode on the panel's screen. The PIN is read from
standard input: typed twice without echo on a terminal, or the first line of a pipe
(  portvakt set-installer-pin --config /etc/portvakt/panel.yaml < pin.txt  ).
Only its hash is stored, in the panel's data folder (beside store.path), where it takes precedence over
api.installerPinHash of panel.yaml. A factory reset deletes it.
`;

export interface PinCliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads one line without echo (a terminal) or the first line of standard input. */
  readSecretLine(prompt: string): Promise<string>;
  interactive: boolean;
}

export async function runSetInstallerPin(argv: string[], io: PinCliIo): Promise<number> {
  let values: { config?: string | undefined; 'data-dir'?: string | undefined; help?: boolean | undefined };
  try {
    values = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.err(`portvakt set-installer-pin: ${(err as Error).message}\n\n${SET_PIN_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(SET_PIN_HELP);
    return 0;
  }
  if (Boolean(values.config) === Boolean(values['data-dir'])) {
    io.err(`portvakt set-installer-pin: give --config FILE or --data-dir DIR\n\n${SET_PIN_HELP}`);
    return 2;
  }
  let dataDir: string;
  try {
    dataDir = values.config ? dirname(loadLayeredConfig(values.config).store.path) : values['data-dir']!;
  } catch (err) {
    io.err(`portvakt set-installer-pin: ${(err as Error).message}\n`);
    return 2;
  }
  const pin = (await io.readSecretLine('New installer PIN (6-12 digits): ')).trim();
  const checked = pinSchema.safeParse(pin);
  if (!checked.success) {
    io.err(`portvakt set-installer-pin: the PIN ${checked.error.issues[0]?.message}; nothing changed\n`);
    return 2;
  }
  if (io.interactive && (await io.readSecretLine('Again: ')).trim() !== pin) {
    io.err('portvakt set-installer-pin: the two PINs differ; nothing changed\n');
    return 2;
  }
  ensurePrivateDir(dataDir);
  const path = await writePinOverride(dataDir, await hashPin(pin));
  io.out(`installer PIN set (its hash is in ${path})\n`);
  return 0;
}

/** Standard input as the CLI reads secrets: no echo on a terminal, first line of a pipe. */
export function processPinIo(): PinCliIo {
  const stdin = process.stdin;
  const interactive = Boolean(stdin.isTTY);
  let piped: Promise<string[]> | undefined;
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    interactive,
    readSecretLine: async (prompt) => {
      if (!interactive) {
        piped ??= (async () => {
          let text = '';
          for await (const chunk of stdin) text += chunk;
          return text.split(/\r?\n/);
        })();
        return (await piped).shift() ?? '';
      }
      process.stderr.write(prompt);
      return readWithoutEcho(stdin);
    },
  };
}

function readWithoutEcho(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve) => {
    let line = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0003' || ch === '\u0004') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          // Ctrl-C and Ctrl-D give up: an empty PIN is refused, nothing is written.
          resolve(ch === '\r' || ch === '\n' ? line : '');
          return;
        }
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    };
    stdin.on('data', onData);
  });
}
