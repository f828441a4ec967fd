/** Shared CLI plumbing: argument parsing with clear errors, `--help`, the data dir, JSON output. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ValidationError } from '../../../lib/errors.ts';
import { DEFAULT_DATA_DIR } from '../settings.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** All of standard input, for secrets that must not be on the command line (`--installer-pin-file -`). */
  stdin?: () => Promise<string>;
}

/** Standard input of the process, read once to its end. */
export async function readProcessStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** A parsed flag: a string, a boolean switch, or the strings of a repeatable (`multiple`) flag. */
export type CliValue = string | boolean | string[] | undefined;

export const DATA_DIR_OPTION = {
  'data-dir': { type: 'string', short: 'd' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const DATA_DIR_HELP = `  -d, --data-dir DIR   hub data dir (env PORTVAKT_HUB_DATA_DIR, default ${DEFAULT_DATA_DIR})`;

/** Parses strictly; unknown flags, missing values and stray positionals become a ValidationError. */
export function parse<O extends Options>(args: string[], options: O): Record<string, CliValue> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<
      string,
      CliValue
    >;
  } catch (err) {
    throw new ValidationError((err as Error).message);
  }
}

export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new ValidationError(`--${name} is required`);
  return v;
}

export function optional(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function dataDir(values: Record<string, unknown>, io: CliIo): string {
  // An empty variable counts as unset, as for `serve` (cli/serve-settings.ts).
  return optional(values, 'data-dir') ?? (io.env['PORTVAKT_HUB_DATA_DIR'] || DEFAULT_DATA_DIR);
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints a command's help; returns exit code 0. */
export function showHelp(io: CliIo, text: string): number {
  io.out(text);
  return 0;
}
