import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../lib/env-file.ts';
import { ConfigError } from '../../lib/errors.ts';

describe('parseEnvFile', () => {
  it('reads NAME=value lines and skips blanks and comments', () => {
    const text = '# comment\n; also a comment\n\nNODE_ENV=production\n  MALLOC_ARENA_MAX = 2 \r\n';
    expect(parseEnvFile(text)).toEqual({ NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' });
  });

  it('takes quoted values without their quotes, and keeps = inside a value', () => {
    expect(parseEnvFile(`A="x y"\nB='1'\nC=a=b\nD=`)).toEqual({ A: 'x y', B: '1', C: 'a=b', D: '' });
  });

  it('refuses what it does not understand, naming every line', () => {
    const bad = () => parseEnvFile('export A=1\nB="open\n=3\nGOOD=1\nC="a"b"', 'panel.env');
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/panel\.env: line 1: expected NAME=value; line 2: B has an unbalanced quote; line 3/);
    try {
      bad();
    } catch (err) {
      expect((err as ConfigError).issues).toHaveLength(4);
    }
  });

  it('reads the shipped deploy/systemd/panel.env', () => {
    const text = readFileSync(new URL('../../deploy/systemd/panel.env', import.meta.url), 'utf8');
    const env = parseEnvFile(text, 'deploy/systemd/panel.env');
    expect(env['NODE_ENV']).toBe('production');
    expect(env['MALLOC_ARENA_MAX']).toBe('2');
  });
});
