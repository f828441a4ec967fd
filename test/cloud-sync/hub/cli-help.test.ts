/**
 * Every `portvakt-hub` command answers `--help`: the commands are read from the top-level usage, so a
 * command added later is covered without editing this test; so is each command group alone
 * (`portvakt-hub building --help`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hubCli } from '../../support/hub-cli.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('portvakt-hub --help', () => {
  it('works for every command and every command group, and touches no data', async () => {
    const data = tempDir();
    const top = await hubCli(data, '--help');
    expect(top.code).toBe(0);
    const commands = top.out
      .split('\n')
      .filter((line) => /^ {2}[a-z]/.test(line))
      .map((line) =>
        line
          .trim()
          .split(/\s{2,}/)[0]!
          .split(' '),
      );
    expect(commands.length).toBeGreaterThanOrEqual(9);
    const groups = new Set(commands.filter((c) => c.length === 2).map((c) => c[0]!));
    expect([...groups]).toEqual(expect.arrayContaining(['building', 'card', 'door']));
    for (const argv of [...commands, ...[...groups].map((g) => [g])]) {
      for (const flag of ['--help', '-h']) {
        const res = await hubCli(data, ...argv, flag);
        expect({ argv, flag, code: res.code, err: res.err }).toEqual({ argv, flag, code: 0, err: '' });
        expect(res.out).toContain(`usage: portvakt-hub ${argv.join(' ')}`);
      }
    }
    // A group without a command is a usage error naming its commands.
    const bare = await hubCli(data, 'card');
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('card revoke');
    expect(existsSync(join(data, 'hub.db'))).toBe(false);
  });
});
