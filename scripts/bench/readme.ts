import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchLine } from './stats.ts';

/** Replaces the table between the bench markers in README.md with these figures. */
export function writeReadmeTable(lines: readonly BenchLine[], machine: string): void {
  const path = new URL('../../README.md', import.meta.url);
  const text = readFileSync(path, 'utf8');
  const rows = lines.map((l) => {
    const target = l['target'] === undefined ? '' : `${String(l['target'])}`;
    const extra = Object.entries(l)
      .filter(([k]) => !['metric', 'value', 'unit', 'target', 'note'].includes(k))
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ');
    return `| \`${l.metric}\` | ${l.value} ${l.unit} | ${target} | ${extra} |`;
  });
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}:`,
    '',
    '| metric | value | target | details |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
  const next = text.replace(
    /<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
    `<!-- bench:start -->\n${table}\n<!-- bench:end -->`,
  );
  writeFileSync(path, next);
}
