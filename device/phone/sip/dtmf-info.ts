/**
 * Digits sent by SIP INFO inside the panel's call: `application/dtmf-relay` (`Signal=5`, the Cisco form
 * most PBXs and trunks use) and `application/dtmf` (the body is the digit). Outside input: anything that is
 * not exactly one DTMF symbol is refused (the dialer answers 400 and no digit results).
 */
import { DTMF_DIGITS, type DtmfSymbol } from '../types.ts';

const MAX_BODY = 256;

function symbol(text: string): DtmfSymbol | null {
  const t = text.trim().toUpperCase();
  return (DTMF_DIGITS as readonly string[]).includes(t) ? (t as DtmfSymbol) : null;
}

/** The digit an INFO carries, or null when its content type or body is not a DTMF INFO we accept. */
export function parseDtmfInfo(contentType: string | undefined, body: string): DtmfSymbol | null {
  if (body.length > MAX_BODY) return null;
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/dtmf') return symbol(body);
  if (type !== 'application/dtmf-relay') return null;
  const signals = body
    .split(/\r?\n/)
    .map((line) => /^\s*signal\s*=\s*(.*)$/i.exec(line)?.[1])
    .filter((v): v is string => v !== undefined);
  if (signals.length !== 1) return null;
  return symbol(signals[0] ?? '');
}
