/**
 * Fetches a bundle to the data partition: refused before the first byte when the partition lacks room
 * (statfs), cut off the moment it passes the size the signed command named, hashed as it streams, and
 * kept only when its SHA-256 is the one the command named. A bundle swapped at the URL never reaches RAUC.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, statfs } from 'node:fs/promises';
import type { UpdateFailure } from '../audit/update-payloads.ts';

/** Room left on the data partition after the bundle: the store and the audit log must keep writing. */
export const DATA_RESERVE_BYTES = 64 * 1024 * 1024;
/** A stalled server does not hold the one update slot forever. */
const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  readonly reason: UpdateFailure;
  constructor(reason: UpdateFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface DownloadRequest {
  url: string;
  sha256: string;
  sizeBytes: number;
  /** Where the bundle goes (on the data partition). */
  path: string;
  onProgress: (percent: number) => void;
}

/** Free bytes for an unprivileged writer at `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** Throws DownloadError('no_space') when `sizeBytes` plus the reserve does not fit at `dir`. */
export async function checkRoom(dir: string, sizeBytes: number, reserve = DATA_RESERVE_BYTES): Promise<void> {
  const free = await freeBytes(dir);
  if (free < sizeBytes + reserve)
    throw new DownloadError(
      'no_space',
      `${sizeBytes} bytes do not fit: ${free} free, ${reserve} must stay free for the panel's data`,
    );
}

export async function downloadBundle(req: DownloadRequest): Promise<void> {
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), DOWNLOAD_IDLE_TIMEOUT_MS);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), DOWNLOAD_IDLE_TIMEOUT_MS);
  };
  try {
    await fetchTo(req, idle.signal, touch);
  } catch (err) {
    await rm(req.path, { force: true });
    if (err instanceof DownloadError) throw err;
    throw new DownloadError('download_failed', (err as Error).message.slice(0, 200));
  } finally {
    clearTimeout(timer);
  }
}

async function fetchTo(req: DownloadRequest, signal: AbortSignal, touch: () => void): Promise<void> {
  const res = await fetch(req.url, { signal, redirect: 'error' });
  if (!res.ok || !res.body) throw new DownloadError('download_failed', `HTTP ${res.status} from the server`);
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > req.sizeBytes)
    throw new DownloadError(
      'too_large',
      `the server offers ${declared} bytes, the command allows ${req.sizeBytes}`,
    );
  const hash = createHash('sha256');
  const out = createWriteStream(req.path, { mode: 0o600 });
  let received = 0;
  req.onProgress(0);
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      touch();
      received += chunk.byteLength;
      if (received > req.sizeBytes)
        throw new DownloadError('too_large', `more than the ${req.sizeBytes} bytes the command allows`);
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      req.onProgress(Math.floor((received / req.sizeBytes) * 100));
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
  if (received !== req.sizeBytes)
    throw new DownloadError('download_failed', `got ${received} bytes, the command says ${req.sizeBytes}`);
  const digest = hash.digest('hex');
  if (digest !== req.sha256)
    throw new DownloadError(
      'checksum_mismatch',
      `sha256 ${digest} is not the ${req.sha256} the command names`,
    );
}
