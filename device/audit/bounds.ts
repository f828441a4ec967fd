/**
 * Bounds an event's `data` at record time (see AUDIT_TEXT_MAX_CHARS in payloads.ts): every string longer
 * than the text bound is cut and marked, a picture field over the picture bound is replaced by a marker.
 * It never throws, so an audit write cannot fail because someone chose a long reason; and it returns the
 * very object it was given when nothing needed bounding (the common case, so a tap pays one short walk).
 */
import { AUDIT_PICTURE_FIELDS, AUDIT_PICTURE_MAX_CHARS, AUDIT_TEXT_MAX_CHARS } from './payloads.ts';

/** Deeper nesting is left as it is (no payload nests this deep; a cycle then fails in JSON.stringify). */
const MAX_DEPTH = 8;

export function boundAuditData(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const pictureKey = Object.hasOwn(AUDIT_PICTURE_FIELDS, type)
    ? AUDIT_PICTURE_FIELDS[type as keyof typeof AUDIT_PICTURE_FIELDS]
    : undefined;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(data)) {
    const value = data[key];
    const bounded =
      key === pictureKey && typeof value === 'string' ? boundPicture(value) : boundValue(value, 1);
    if (bounded !== value) {
      copy ??= { ...data };
      copy[key] = bounded;
    }
  }
  return copy ?? data;
}

/** `text` cut to AUDIT_TEXT_MAX_CHARS in all, the marker saying how much was left out. */
export function boundText(text: string): string {
  if (text.length <= AUDIT_TEXT_MAX_CHARS) return text;
  const marker = `…[+${text.length} chars]`;
  let end = AUDIT_TEXT_MAX_CHARS - marker.length;
  // Never split a surrogate pair: half a character would be a lone surrogate in the stored JSON.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…[+${text.length - end} chars]`;
}

function boundPicture(picture: string): string {
  return picture.length <= AUDIT_PICTURE_MAX_CHARS
    ? picture
    : `[picture of ${picture.length} chars dropped: over ${AUDIT_PICTURE_MAX_CHARS}]`;
}

function boundValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return boundText(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const bounded = boundValue(item, depth + 1);
      if (bounded !== item) {
        copy ??= [...value];
        copy[i] = bounded;
      }
    });
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const bounded = boundValue(item, depth + 1);
    const boundedKey = boundText(key);
    if (bounded !== item || boundedKey !== key) {
      copy ??= { ...record };
      if (boundedKey !== key) delete copy[key];
      copy[boundedKey] = bounded;
    }
  }
  return copy ?? record;
}
