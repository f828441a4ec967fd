/**
 * `rauc info --keyring K --output-format=json BUNDLE`: checks the bundle's signature against a keyring
 * and reads its manifest, without installing or needing a system.conf. Shared by the panel's engines and
 * the hub's release catalogue (lib/ because panel and hub share it), so both refuse the same bundles with the same words.
 */
import { execFile } from 'node:child_process';

/** A bundle whose signature chains to the keyring: what its manifest says. */
export interface BundleInfo {
  compatible: string;
  version: string;
}

/** Thrown when a bundle is unsigned, wrongly signed, corrupt or for another system. Nothing was written. */
export class BundleRefusedError extends Error {
  override readonly name = 'BundleRefusedError';
}

const RAUC_INFO_TIMEOUT_MS = 60_000;

export function raucInfo(bundlePath: string, keyringPath: string, rauc = 'rauc'): Promise<BundleInfo> {
  const args = ['info', `--keyring=${keyringPath}`, '--output-format=json', '--', bundlePath];
  return new Promise((resolve, reject) => {
    execFile(rauc, args, { timeout: RAUC_INFO_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new Error(`${rauc} is not installed`));
        return reject(new BundleRefusedError(refusalReason(stderr) || err.message));
      }
      try {
        const manifest = JSON.parse(stdout) as { compatible?: unknown; version?: unknown };
        if (typeof manifest.compatible !== 'string' || typeof manifest.version !== 'string')
          throw new Error('no compatible or version in the manifest');
        resolve({ compatible: manifest.compatible, version: manifest.version });
      } catch (parseErr) {
        reject(new BundleRefusedError(`unreadable manifest: ${(parseErr as Error).message}`));
      }
    });
  });
}

/** RAUC's last error line (its info messages precede it), bounded: it ends up in audit events. */
function refusalReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^rauc-Message:/.test(l));
  return (lines.at(-1) ?? '').slice(0, 300);
}
