/** Validation rules shared by the device config and the building snapshot schemas. */
import type { z } from 'zod';

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Adds an issue at `[list, index, field]` for every row whose `field` value appeared earlier in the list. */
export function reportDuplicates<T>(
  ctx: z.RefinementCtx,
  list: string,
  rows: readonly T[],
  field: keyof T & string,
  message: (row: T) => string,
): void {
  const seen = new Set<unknown>();
  rows.forEach((row, i) => {
    const value = row[field];
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [list, i, field], message: message(row) });
    seen.add(value);
  });
}
