/** Turns a received MQTT payload into a validated message, or a one-line reason why not. */
import type { z } from 'zod';

export type Parsed<T> = { ok: true; value: T; json: unknown } | { ok: false; reason: string; json: unknown };

/** Strict UTF-8 JSON; undefined when the bytes are not that. */
export function parseJson(payload: Uint8Array): { ok: true; json: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, json: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) };
  } catch (err) {
    return { ok: false, reason: `not UTF-8 JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function parseMessage<S extends z.ZodType>(schema: S, payload: Uint8Array): Parsed<z.output<S>> {
  const json = parseJson(payload);
  if (!json.ok) return { ok: false, reason: json.reason, json: undefined };
  return validateMessage(schema, json.json);
}

/**
 * The `version` of a config message whose JSON starts `{"protocol":P,"version":N,` (how the hub writes
 * them), read from its first bytes without parsing the rest; undefined for any other shape. Only used to
 * skip work (a stale snapshot), never to accept anything.
 */
export function peekVersion(payload: Uint8Array): number | undefined {
  const head = Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.byteLength, 64)).toString(
    'latin1',
  );
  const match = /^\{"protocol":\d{1,3},"version":(\d{1,15}),/.exec(head);
  return match ? Number(match[1]) : undefined;
}

/** Validates JSON already parsed from a payload. */
export function validateMessage<S extends z.ZodType>(schema: S, json: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data, json };
  return { ok: false, reason: describeIssues(result.error.issues), json };
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const text = issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return text.slice(0, 500);
}

/** A numeric field of an object that failed validation, for reporting (e.g. the rejected version). */
export function numberField(json: unknown, field: string): number | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value = (json as Record<string, unknown>)[field];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
