/**
 * A stand-in for the libgpiod v1.6 tools (gpiodetect, gpioget, gpioset, gpiomon) working on a state
 * directory instead of /dev/gpiochip*. Usage: node fake-gpiod.ts <tool> <args...>, with FAKE_GPIOD_STATE set.
 *
 * State: chips.json ([{name, label, lines}]); lines/<chip>-<offset>.value holds the physical level "0"/"1";
 * lines/<chip>-<offset>.holder holds "<tool> <pid>" while a process has the line requested, like the
 * kernel's single-owner rule (a second request fails with EBUSY). Lines default to 0.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from '../../../support/pids.ts';
import { readIfExists } from './read-if-exists.ts';

interface Chip {
  name: string;
  label: string;
  lines: number;
}

const state = process.env['FAKE_GPIOD_STATE'];
if (!state) fail('FAKE_GPIOD_STATE is not set');
const [tool = '', ...argv] = process.argv.slice(2);
const chips = JSON.parse(readFileSync(join(state, 'chips.json'), 'utf8')) as Chip[];
appendFileSync(join(state, 'calls.log'), `${[tool, ...argv].join(' ')}\n`);
mkdirSync(join(state, 'lines'), { recursive: true });

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function linePath(chip: Chip, offset: number, ext: 'value' | 'holder'): string {
  return join(state!, 'lines', `${chip.name}-${offset}.${ext}`);
}

function readLevel(chip: Chip, offset: number): number {
  try {
    return readFileSync(linePath(chip, offset, 'value'), 'utf8').trim() === '1' ? 1 : 0;
  } catch {
    return 0;
  }
}

/** Like gpiod_chip_open_lookup: a name, a number, a /dev path or a label. */
function findChip(ref: string): Chip {
  const chip = chips.find(
    (c) => c.name === ref || c.name === `gpiochip${ref}` || `/dev/${c.name}` === ref || c.label === ref,
  );
  return chip ?? fail(`${tool}: unable to open ${ref}: No such file or directory`);
}

function parse(args: string[], withValue: string[]): { opts: Map<string, string>; rest: string[] } {
  const opts = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) rest.push(arg);
    else if (arg.includes('=')) opts.set(arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
    else if (withValue.includes(arg))
      opts.set(arg, args[++i] ?? fail(`${tool}: option ${arg} needs a value`));
    else opts.set(arg, '');
  }
  return { opts, rest };
}

function offsetsOf(chip: Chip, specs: string[]): number[] {
  if (specs.length === 0) fail(`${tool}: at least one GPIO line offset must be specified`);
  return specs.map((spec) => {
    const offset = Number(spec.split('=')[0]);
    if (!Number.isInteger(offset) || offset < 0) fail(`${tool}: invalid GPIO offset: ${spec}`);
    if (offset >= chip.lines) fail(`${tool}: error requesting GPIO lines: Invalid argument`);
    return offset;
  });
}

/** Replaces the file in one step, as the kernel changes a line's state: readers never see it half written. */
function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

function request(chip: Chip, offsets: number[], what: string): () => void {
  for (const offset of offsets) {
    const holder = readIfExists(linePath(chip, offset, 'holder'));
    if (holder === undefined) continue;
    const pid = Number(holder.split(' ')[1]);
    if (pid !== process.pid && alive(pid)) fail(`${tool}: error ${what}: Device or resource busy`);
  }
  for (const offset of offsets) writeAtomic(linePath(chip, offset, 'holder'), `${tool} ${process.pid}`);
  return () => {
    for (const offset of offsets) {
      const holder = linePath(chip, offset, 'holder');
      if (readIfExists(holder) === `${tool} ${process.pid}`) rmSync(holder, { force: true });
    }
  };
}

function onSignals(release: () => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      release();
      process.exit(0);
    });
  }
}

switch (tool) {
  case 'gpiodetect':
    for (const c of chips) process.stdout.write(`${c.name} [${c.label}] (${c.lines} lines)\n`);
    break;
  case 'gpioget': {
    const { opts, rest } = parse(argv, ['-B', '--bias']);
    const chip = findChip(rest[0] ?? fail('gpioget: gpiochip must be specified'));
    const offsets = offsetsOf(chip, rest.slice(1));
    request(chip, offsets, 'reading GPIO values')();
    const invert = opts.has('-l') || opts.has('--active-low');
    process.stdout.write(
      `${offsets.map((o) => ((readLevel(chip, o) === 1) !== invert ? 1 : 0)).join(' ')}\n`,
    );
    break;
  }
  case 'gpioset': {
    const { opts, rest } = parse(argv, ['-m', '--mode', '-B', '--bias', '-D', '--drive', '-s', '-u']);
    const mode = opts.get('-m') ?? opts.get('--mode') ?? 'exit';
    const chip = findChip(rest[0] ?? fail('gpioset: gpiochip must be specified'));
    const specs = rest.slice(1);
    const offsets = offsetsOf(chip, specs);
    const values = specs.map((s) => s.split('=')[1]);
    if (values.some((v) => v !== '0' && v !== '1')) fail('gpioset: invalid offset<->value mapping');
    const release = request(chip, offsets, 'setting the GPIO line values');
    const invert = opts.has('-l') || opts.has('--active-low');
    offsets.forEach((o, i) => {
      writeAtomic(linePath(chip, o, 'value'), (values[i] === '1') !== invert ? '1' : '0');
    });
    onSignals(release);
    if (mode === 'exit') release();
    else if (mode === 'wait') {
      // Real gpioset returns from getchar() on a newline or on EOF.
      process.stdin.on('data', () => process.exit(0));
      process.stdin.on('end', () => process.exit(0));
      process.on('exit', release);
    } else if (mode === 'signal') setInterval(() => {}, 1 << 30);
    else fail(`gpioset: invalid mode: ${mode}`);
    break;
  }
  case 'gpiomon': {
    const { opts, rest } = parse(argv, ['-n', '--num-events', '-B', '--bias', '-F', '--format']);
    const chip = findChip(rest[0] ?? fail('gpiomon: gpiochip must be specified'));
    const offsets = offsetsOf(chip, rest.slice(1));
    // The kernel reports edges from the moment the line is requested, and tests take the holder entry as
    // that moment: read the baseline before publishing it, so a change right after is reported as an edge
    // instead of being taken for the initial level.
    const levels = offsets.map((o) => readLevel(chip, o));
    const release = request(chip, offsets, 'requesting GPIO lines');
    onSignals(release);
    process.on('exit', release);
    setInterval(() => {
      offsets.forEach((offset, i) => {
        const level = readLevel(chip, offset);
        if (level === levels[i]) return;
        levels[i] = level;
        const ns = process.hrtime.bigint();
        const name = level === 1 ? ' RISING EDGE' : 'FALLING EDGE';
        const stamp = `${String(ns / 1_000_000_000n).padStart(8)}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
        if (!opts.has('-s')) process.stdout.write(`event: ${name} offset: ${offset} timestamp: [${stamp}]\n`);
      });
    }, 2);
    break;
  }
  default:
    fail(`fake-gpiod: unknown tool "${tool}"`);
}
