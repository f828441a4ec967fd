import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/** Parses untrusted input; a failure becomes a ValidationError naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) =>
    i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message,
  );
  throw new ValidationError(`invalid ${what}: ${issues.join('; ')}`, issues);
}
