/**
 * The memory side of a degraded audit log (audit-log.ts): events held in seq order until the storage
 * takes writes again, bounded. When full, a further event is not kept but counted by type (its seq left
 * as a gap that `storage.recovered` names); the door it belongs to still opens — see the report on
 * issue 11 for why cards keep opening rather than being refused (exit buttons always release).
 */

/** An event as it will be inserted, its seq already handed out. */
export interface PendingRow {
  seq: number;
  id: string;
  ts: number;
  type: string;
  doorId: string | null;
  readerId: string | null;
  json: string;
}

export interface StorageHealth {
  state: 'ok' | 'degraded';
  /** The storage fault that started the episode (SQLITE_FULL, SQLITE_IOERR_…, ENOSPC …). */
  code?: string | undefined;
  /** Wall time the episode began. */
  since?: number | undefined;
  /** Events held in memory, not yet written. */
  held: number;
  /** Events lost in this episode because the buffer was full. */
  dropped: number;
}

export type RecoverySummary = {
  degradedMs: number;
  written: number;
  dropped: Record<string, number>;
  droppedSeqs?: { first: number; last: number } | undefined;
};

export class AuditBuffer {
  readonly #max: number;
  #rows: PendingRow[] = [];
  /** Index of the first row not yet written (rows before it are dropped lazily, see written()). */
  #head = 0;
  #staged: PendingRow[] | undefined;
  #episode: { code: string; since: number; written: number } | undefined;
  #dropped: Record<string, number> = {};
  #droppedTotal = 0;
  #droppedSeqs: { first: number; last: number } | undefined;

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  get degraded(): boolean {
    return this.#episode !== undefined;
  }

  get staging(): boolean {
    return this.#staged !== undefined;
  }

  get size(): number {
    return this.#rows.length - this.#head;
  }

  degrade(code: string, now: number): void {
    this.#episode ??= { code, since: now, written: 0 };
  }

  /** Holds one row: into the open staging area, else straight into the buffer. */
  hold(row: PendingRow): void {
    if (this.#staged) this.#staged.push(row);
    else this.#keep(row);
  }

  beginStaging(): void {
    this.#staged = [];
  }

  /** The staged transaction finished: its rows join the buffer, in order. */
  commitStaged(): void {
    const staged = this.#staged ?? [];
    this.#staged = undefined;
    for (const row of staged) this.#keep(row);
  }

  discardStaged(): void {
    this.#staged = undefined;
  }

  /** Up to `n` of the oldest held rows (not removed until written()). */
  peek(n: number): readonly PendingRow[] {
    return this.#rows.slice(this.#head, this.#head + n);
  }

  written(n: number): void {
    this.#head += n;
    if (this.#episode) this.#episode.written += n;
    if (this.#head >= this.#rows.length) {
      this.#rows = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#rows.length) {
      // Partial flushes: drop the written prefix so the array stays bounded by what is held.
      this.#rows = this.#rows.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Ends the episode (call when nothing is held) and says what it cost. */
  recover(now: number): RecoverySummary {
    const episode = this.#episode;
    const summary: RecoverySummary = {
      degradedMs: episode ? now - episode.since : 0,
      written: episode?.written ?? 0,
      dropped: this.#dropped,
      droppedSeqs: this.#droppedSeqs,
    };
    this.#episode = undefined;
    this.#dropped = {};
    this.#droppedTotal = 0;
    this.#droppedSeqs = undefined;
    return summary;
  }

  health(): StorageHealth {
    if (!this.#episode) return { state: 'ok', held: 0, dropped: 0 };
    const { code, since } = this.#episode;
    return { state: 'degraded', code, since, held: this.size, dropped: this.#droppedTotal };
  }

  #keep(row: PendingRow): void {
    if (this.size < this.#max) {
      this.#rows.push(row);
      return;
    }
    this.#dropped[row.type] = (this.#dropped[row.type] ?? 0) + 1;
    this.#droppedTotal++;
    this.#droppedSeqs = { first: this.#droppedSeqs?.first ?? row.seq, last: row.seq };
  }
}
