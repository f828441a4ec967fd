import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

const SNAPSHOT_FILE = /^snap-(\d+)\.jpg$/;

/** A whole JPEG: starts with SOI (FF D8) and ends with EOI (FF D9). */
export function isCompleteJpeg(data: Buffer): boolean {
  return (
    data.length > 4 && data[0] === 0xff && data[1] === 0xd8 && data.at(-2) === 0xff && data.at(-1) === 0xd9
  );
}

/**
 * The newest complete still in the pipeline's multifilesink directory. The newest file may still be
 * being written, and multifilesink deletes the oldest while we look, so each candidate is checked and a
 * vanished or partial one falls back to the one before.
 */
export async function newestJpeg(dir: string): Promise<Buffer | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const indexed = names
    .map((name) => ({ name, index: Number(SNAPSHOT_FILE.exec(name)?.[1] ?? Number.NaN) }))
    .filter((f) => Number.isFinite(f.index))
    .sort((a, b) => b.index - a.index);
  for (const file of indexed) {
    try {
      const data = await readFile(join(dir, file.name));
      if (isCompleteJpeg(data)) return data;
    } catch {
      // Deleted by multifilesink between readdir and read: try the next one.
    }
  }
  return undefined;
}

/**
 * Removes the stills of a pipeline that has exited. A restarted multifilesink counts from 0 again and
 * deletes only files it wrote itself, so the old run's higher-numbered files would otherwise look newest
 * (a stale picture) and stay forever.
 */
export async function clearSnapshots(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => SNAPSHOT_FILE.test(n)).map((n) => rm(join(dir, n), { force: true })));
}
