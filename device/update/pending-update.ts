/**
 * The record an installed update leaves on the data partition before its reboot: after the reboot it is
 * the only memory of what was tried, so the panel can tell a confirmed update from a rollback (the
 * firmware started the old slot) and report either with the release it concerns.
 */
import { readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../../lib/fs/atomic-file.ts';

const pendingSchema = z
  .object({
    releaseId: z.string().max(64),
    version: z.string().max(64),
    fromVersion: z.string().max(64),
    fromSlot: z.string().max(8),
    targetSlot: z.string().max(8),
    installedAt: z.number(),
  })
  .strict();

export type PendingUpdate = z.output<typeof pendingSchema>;

export class PendingUpdateFile {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  /** The record, or undefined when there is none (or it is unreadable: nothing can be reported from it). */
  read(): PendingUpdate | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = pendingSchema.safeParse(safeJson(text));
    return parsed.success ? parsed.data : undefined;
  }

  write(record: PendingUpdate): void {
    writeFileAtomic(this.#path, `${JSON.stringify(record)}\n`);
  }

  clear(): void {
    rmSync(this.#path, { force: true });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
