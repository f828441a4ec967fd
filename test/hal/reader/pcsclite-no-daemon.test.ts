/**
 * The installed pcsclite addon must not freeze the process while pcscd is down: upstream retries
 * SCardEstablishContext in a busy loop on the JavaScript thread; scripts/setup.sh patches it to one
 * attempt. Run in a child process with a deadline, pointed at a socket nobody listens on.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/temp-dir.ts';

describe('pcsclite without pcscd', () => {
  it('opening a PC/SC context throws at once instead of spinning', async () => {
    const libUrl = new URL('../../../hal/reader/pcsc-lib.ts', import.meta.url).href;
    const script = `
      import { openNfcPcsc } from ${JSON.stringify(libUrl)};
      try { openNfcPcsc(); console.log('opened'); } catch (err) { console.log('refused: ' + err.message); }`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 10_000,
      env: { ...process.env, PCSCLITE_CSOCK_NAME: join(tempDir(), 'nobody-listens.comm') },
    });
    expect(stdout).toMatch(/^refused: .*SCardEstablishContext/);
  });
});
