/**
 * Signed config (`config/desired` snapshots and `config/patch` patches). Broker rights do not
 * authenticate config: anyone who may publish on a panel's subtree could hand it made-up cards. So the
 * hub signs every config message with its Ed25519 key, and the panel refuses anything it cannot verify.
 *
 * Wire format — a small JSON header line, a newline, then the body bytes:
 *
 *     {"protocol":1,"kind":"snapshot","deviceId":"p1","epoch":2,"version":7,"signature":"…"}\n{…body…}
 *
 * - The signature covers `CONTEXT[kind] || body`, the exact body bytes sent. The context strings start
 *   with "portvakt/v1 config/", while a signed command's bytes are its JSON body (they start with "{"),
 *   so a command signature never verifies as config, a snapshot signature never as a patch, and back.
 * - The body (JSON) names the panel, the epoch and the version: only the signed values count, so a
 *   message for another panel, or "any larger version", is refused. The header repeats them so a panel
 *   can drop a stale retained snapshot from its first bytes, before verifying or parsing megabytes; a
 *   header that disagrees with its signed body is refused.
 * - The body also carries the hub keys the panel should trust from now on (key rotation, see
 *   hub/signer/rotation.ts).
 */
import { z } from 'zod';
import type { configPatchMessage, configSnapshotMessage } from './messages.ts';
import { fromBase64Url, type SigningKey, toBase64Url } from './signing.ts';
import { PROTOCOL_VERSION } from './topics.ts';

export type ConfigKind = 'snapshot' | 'patch';

/** Domain separation: what a config signature is over, per kind (never valid as a command's bytes). */
export const CONFIG_SIGNING_CONTEXT: Record<ConfigKind, string> = {
  snapshot: 'portvakt/v1 config/desired\n',
  patch: 'portvakt/v1 config/patch\n',
};

/** A header longer than this is not one: the panel gives up before reading further. */
export const MAX_HEADER_BYTES = 512;

const signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a base64url Ed25519 signature');

export const signedConfigHeader = z
  .object({
    protocol: z.literal(PROTOCOL_VERSION),
    kind: z.enum(['snapshot', 'patch']),
    deviceId: z.string().min(1).max(63),
    epoch: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    signature,
  })
  .strict();
export type SignedConfigHeader = z.output<typeof signedConfigHeader>;

export type ConfigSnapshotBody = z.output<typeof configSnapshotMessage>;
export type ConfigPatchBody = z.output<typeof configPatchMessage>;

export type ConfigRefusal = 'unsigned' | 'malformed' | 'bad_signature' | 'wrong_device';

/** Signs a snapshot or patch body for the wire; the body is serialized once and those bytes are signed. */
export async function signConfig(
  privateKey: SigningKey,
  kind: ConfigKind,
  body: ConfigSnapshotBody | ConfigPatchBody,
): Promise<Uint8Array> {
  const bodyBytes = new TextEncoder().encode(JSON.stringify(body));
  const sig = new Uint8Array(
    await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, signingInput(kind, bodyBytes)),
  );
  const header: SignedConfigHeader = {
    protocol: PROTOCOL_VERSION,
    kind,
    deviceId: body.deviceId,
    epoch: body.epoch,
    version: body.version,
    signature: toBase64Url(sig),
  };
  const headerBytes = new TextEncoder().encode(`${JSON.stringify(header)}\n`);
  const out = new Uint8Array(headerBytes.length + bodyBytes.length);
  out.set(headerBytes, 0);
  out.set(bodyBytes, headerBytes.length);
  return out;
}

export type SplitConfig =
  | { ok: true; header: SignedConfigHeader; body: Uint8Array }
  | { ok: false; reason: ConfigRefusal; detail: string };

/** Reads the header line only (at most MAX_HEADER_BYTES); the body is returned as a view, not parsed. */
export function splitSignedConfig(payload: Uint8Array, kind: ConfigKind): SplitConfig {
  const newline = payload.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a);
  if (newline < 0) return { ok: false, reason: 'unsigned', detail: 'no signed-config header' };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(0, newline)));
  } catch {
    return { ok: false, reason: 'unsigned', detail: 'header is not JSON' };
  }
  const header = signedConfigHeader.safeParse(json);
  if (!header.success) {
    const issue = header.error.issues[0];
    return { ok: false, reason: 'malformed', detail: `header ${issue?.path.join('.')}: ${issue?.message}` };
  }
  if (header.data.kind !== kind)
    return { ok: false, reason: 'malformed', detail: `a ${header.data.kind} on the ${kind} topic` };
  return { ok: true, header: header.data, body: payload.subarray(newline + 1) };
}

/** True when any of `keys` signed `body` under the kind's context. */
export async function verifyConfigSignature(
  keys: readonly SigningKey[],
  header: SignedConfigHeader,
  body: Uint8Array,
): Promise<boolean> {
  const sig = fromBase64Url(header.signature);
  if (!sig) return false;
  const input = signingInput(header.kind, body);
  for (const key of keys) {
    if (await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, input)) return true;
  }
  return false;
}

function signingInput(kind: ConfigKind, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const context = new TextEncoder().encode(CONFIG_SIGNING_CONTEXT[kind]);
  const input = new Uint8Array(context.length + body.length);
  input.set(context, 0);
  input.set(body, context.length);
  return input;
}
