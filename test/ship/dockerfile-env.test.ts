/**
 * The panel's runtime environment is defined once, in deploy/systemd/panel.env (the systemd unit's
 * EnvironmentFile= and the image's /etc/portvakt/panel.env); Dockerfile.arm repeats it as ENV lines in
 * one marked block, because a container's environment comes from its image. This keeps the two equal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const BEGIN = '# --- panel.env';
const END = '# --- end panel.env';

/** `KEY=VALUE` → [KEY, VALUE]; a value in double quotes (systemd and Dockerfile syntax alike) unquoted. */
function assignment(text: string, where: string): [string, string] {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(text);
  if (!match) throw new Error(`${where}: not KEY=VALUE: ${text}`);
  const [, key = '', raw = ''] = match;
  return [key, raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw];
}

function panelEnv(): Map<string, string> {
  const lines = readFileSync(join(ROOT, 'deploy/systemd/panel.env'), 'utf8').split('\n');
  const entries = lines
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => assignment(line, 'panel.env'));
  return new Map(entries);
}

function dockerfileEnv(): { block: Map<string, string>; outside: string[] } {
  const lines = readFileSync(join(ROOT, 'Dockerfile.arm'), 'utf8').split('\n');
  // The block's first line may explain itself after the marker ("# --- panel.env: …").
  const begin = lines.findIndex((line) => line.startsWith(BEGIN) && !line.startsWith(END));
  const end = lines.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`Dockerfile.arm: no "${BEGIN}" … "${END}" block`);
  const block = new Map(
    lines
      .slice(begin + 1, end)
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => {
        if (!line.startsWith('ENV '))
          throw new Error(`Dockerfile.arm panel.env block: not an ENV line: ${line}`);
        return assignment(line.slice(4).trim(), 'Dockerfile.arm');
      }),
  );
  const outside = [...lines.slice(0, begin), ...lines.slice(end + 1)]
    .filter((line) => line.startsWith('ENV '))
    .map((line) => assignment(line.slice(4).trim(), 'Dockerfile.arm')[0]);
  return { block, outside };
}

describe('Dockerfile.arm and deploy/systemd/panel.env', () => {
  it('set the same runtime environment', () => {
    const env = panelEnv();
    const docker = dockerfileEnv();
    expect(env.size).toBeGreaterThan(0);
    expect(Object.fromEntries(docker.block)).toEqual(Object.fromEntries(env));
    // A panel.env variable set again elsewhere in the Dockerfile would override the block silently.
    expect(docker.outside.filter((key) => env.has(key))).toEqual([]);
  });

  it('copies panel.env into the image as /etc/portvakt/panel.env (docs/image-layout.md)', () => {
    expect(readFileSync(join(ROOT, 'Dockerfile.arm'), 'utf8')).toContain(
      'install -D -m 0644 /opt/portvakt/deploy/systemd/panel.env /etc/portvakt/panel.env',
    );
  });
});
