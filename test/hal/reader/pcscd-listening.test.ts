import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pcscdListeningNow } from '../../../hal/reader/pcsc-lib.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('pcscdListeningNow (/proc/net/unix)', () => {
  it('is true only while a process listens on the socket path', async () => {
    const path = join(tempDir(), 'pcscd.comm');
    expect(pcscdListeningNow(path)).toBe(false);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    expect(pcscdListeningNow(path)).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(pcscdListeningNow(path)).toBe(false);
  });
});
