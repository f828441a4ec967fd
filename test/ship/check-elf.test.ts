/**
 * scripts/arm64/check-elf.sh, the build's guard against a native addon for the wrong machine in the arm64
 * tree: an x86 addon there would only fail on the panel, when the code first loads it.
 */

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.ts';

const CHECK = new URL('../../scripts/arm64/check-elf.sh', import.meta.url).pathname;
// An aarch64 shared library every build host has: the cross compiler's libc (g++-aarch64-linux-gnu).
const AARCH64_LIB = '/usr/aarch64-linux-gnu/lib/libc.so.6';

function tree(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, from] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    copyFileSync(from, join(dir, path));
  }
  return dir;
}

describe('scripts/arm64/check-elf.sh', () => {
  it('passes a tree whose addons and libraries are all aarch64', () => {
    const dir = tree({ 'node_modules/a/build/Release/a.node': AARCH64_LIB, 'lib/libx.so.1': AARCH64_LIB });
    const run = spawnSync(CHECK, [dir], { encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 0,
      stderr: '[arm64] 2 native files, all aarch64\n',
    });
  });

  it('fails on an x86 addon and names it', () => {
    const dir = tree({
      'node_modules/a/build/Release/a.node': AARCH64_LIB,
      'node_modules/b/prebuilds/linux-x64.node': '/bin/true',
    });
    const run = spawnSync(CHECK, [dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not aarch64: node_modules/b/prebuilds/linux-x64.node (ELF 64-bit LSB');
    expect(run.stderr).not.toContain('a.node');
  });
});
