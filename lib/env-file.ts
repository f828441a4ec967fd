/**
 * Reads an environment file as systemd's `EnvironmentFile=` does for the subset we write
 * (deploy/systemd/panel.env): `KEY=value` lines, blank lines, and comments starting with `#` or `;`.
 * A value may be wrapped in single or double quotes (no escapes inside). Anything else is refused with
 * the line's number, rather than guessed at: the same file is read by systemd, by the container and by
 * the benchmarks, and they must all see the same values.
 */
import { ConfigError } from './errors.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvFile(text: string, source = 'environment file'): Record<string, string> {
  const env: Record<string, string> = {};
  const issues: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!NAME.test(name)) {
      issues.push(`line ${index + 1}: expected NAME=value`);
      return;
    }
    const value = unquote(line.slice(eq + 1).trim());
    if (value === undefined) {
      issues.push(`line ${index + 1}: ${name} has an unbalanced quote`);
      return;
    }
    env[name] = value;
  });
  if (issues.length > 0) throw new ConfigError(`${source}: ${issues.join('; ')}`, issues);
  return env;
}

/** The value without its surrounding quotes; undefined when a quote is opened and not closed. */
function unquote(value: string): string | undefined {
  const first = value[0];
  if (first !== '"' && first !== "'") return value;
  if (value.length < 2 || value.at(-1) !== first) return undefined;
  const inner = value.slice(1, -1);
  return inner.includes(first) ? undefined : inner;
}
