import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchLine } from './stats.ts';

const README = new URL('../../README.md', import.meta.url);
const BLOCK = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;

function row(l: BenchLine, extraDetails: Record<string, unknown> = {}): string {
  const target = l['target'] === undefined ? '' : `${String(l['target'])}`;
  const extra = Object.entries({ ...l, ...extraDetails })
    .filter(([k]) => !['metric', 'value', 'unit', 'target', 'note'].includes(k))
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  return `| \`${l.metric}\` | ${l.value} ${l.unit} | ${target} | ${extra} |`;
}

/** Replaces the table between the bench markers in README.md with these figures. */
export function writeReadmeTable(lines: readonly BenchLine[], machine: string): void {
  const text = readFileSync(README, 'utf8');
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}:`,
    '',
    '| metric | value | target | details |',
    '|---|---|---|---|',
    ...lines.map((l) => row(l)),
  ].join('\n');
  writeFileSync(README, text.replace(BLOCK, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`));
}

/**
 * A partial run (`--only`) updates its own rows of the table — each replaced where it stands, or added
 * at the end — and says in each which run it came from; the other rows keep the whole run's figures.
 */
export function writeReadmeRows(lines: readonly BenchLine[], groups: readonly string[]): void {
  const text = readFileSync(README, 'utf8');
  const block = BLOCK.exec(text)?.[0];
  if (!block) throw new Error('README.md has no bench markers');
  const from = { run: `--only ${groups.join(',')} ${new Date().toISOString().slice(0, 10)}` };
  let next = block;
  for (const line of lines) {
    const existing = new RegExp(`^\\| \`${line.metric}\` \\|.*$`, 'm');
    next = existing.test(next)
      ? next.replace(existing, () => row(line, from))
      : next.replace(/\n<!-- bench:end -->$/, () => `\n${row(line, from)}\n<!-- bench:end -->`);
  }
  writeFileSync(
    README,
    text.replace(BLOCK, () => next),
  );
}
