import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSnapshots, isCompleteJpeg, newestJpeg } from '../../../hal/camera/snapshot.ts';

const jpeg = (fill: number) => Buffer.from([0xff, 0xd8, fill, fill, 0xff, 0xd9]);
const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'portvakt-snap-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('snapshot files', () => {
  it('takes the highest-numbered complete JPEG, skipping one still being written', async () => {
    const d = dir();
    writeFileSync(join(d, 'snap-000009.jpg'), jpeg(9));
    writeFileSync(join(d, 'snap-000010.jpg'), jpeg(10));
    writeFileSync(join(d, 'snap-000011.jpg'), Buffer.from([0xff, 0xd8, 1, 2])); // no EOI yet
    writeFileSync(join(d, 'other.jpg'), jpeg(99));
    expect(await newestJpeg(d)).toEqual(jpeg(10));
    expect(isCompleteJpeg(jpeg(1))).toBe(true);
    expect(isCompleteJpeg(Buffer.from([0xff, 0xd8]))).toBe(false);
  });

  it('nothing yet, or no directory: undefined', async () => {
    expect(await newestJpeg(dir())).toBeUndefined();
    expect(await newestJpeg('/nonexistent/portvakt')).toBeUndefined();
  });

  it("clearSnapshots removes a dead pipeline's stills and nothing else", async () => {
    const d = dir();
    writeFileSync(join(d, 'snap-000120.jpg'), jpeg(1));
    writeFileSync(join(d, 'keep.txt'), 'x');
    await clearSnapshots(d);
    expect(readdirSync(d)).toEqual(['keep.txt']);
  });
});
