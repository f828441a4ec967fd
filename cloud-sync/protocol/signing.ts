/**
 * Ed25519 command signing through WebCrypto (`globalThis.crypto.subtle`), which Node 24 and current
 * browsers both have — so the protocol stays free of Node imports and the hub, the panel and a browser
 * admin tool share one implementation. The signature covers the exact body bytes sent, never a
 * re-serialization.
 */
import {
  type CommandBody,
  commandBodySchema,
  type SignedCommandMessage,
  signedCommandMessage,
} from './messages.ts';
import { PROTOCOL_VERSION } from './topics.ts';

/** A WebCrypto key, named without the DOM lib or a Node import. */
export type SigningKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export type CommandRefusal = 'malformed' | 'bad_signature' | 'wrong_device' | 'expired' | 'not_yet_valid';

export type VerifiedCommand =
  | { ok: true; body: CommandBody }
  | { ok: false; reason: CommandRefusal; detail: string };

/** Commands issued slightly in the future (clock skew) are accepted within this margin. */
export const CLOCK_SKEW_MS = 5_000;

export async function generateSigningKeys(): Promise<{ privateKey: SigningKey; publicKey: SigningKey }> {
  return (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as unknown as {
    privateKey: SigningKey;
    publicKey: SigningKey;
  };
}

export async function exportPublicKey(key: SigningKey): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
}

export async function importPublicKey(base64url: string): Promise<SigningKey> {
  const raw = fromBase64Url(base64url);
  if (raw?.length !== 32) throw new Error('an Ed25519 public key is 32 bytes of base64url');
  return crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, true, ['verify']);
}

export async function exportPrivateKey(key: SigningKey): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.exportKey('pkcs8', key)));
}

export async function importPrivateKey(base64url: string): Promise<SigningKey> {
  const der = fromBase64Url(base64url);
  if (!der) throw new Error('private key is not base64url');
  return crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign']);
}

export async function signCommand(privateKey: SigningKey, body: CommandBody): Promise<SignedCommandMessage> {
  const bytes = new TextEncoder().encode(JSON.stringify(commandBodySchema.parse(body)));
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, bytes));
  return { protocol: PROTOCOL_VERSION, body: toBase64Url(bytes), signature: toBase64Url(signature) };
}

/**
 * Checks form, signature (by any of the trusted keys: more than one during a key rotation), addressee and
 * validity window. Single use (nonces) is the receiver's job: it must remember each accepted nonce until
 * the command's expiry. A command signature is over the JSON body alone, which starts with "{": it can
 * never verify as config, whose signatures cover a "portvakt/v1 config/…" context first
 * (config-signing.ts).
 */
export async function verifyCommand(
  publicKeys: SigningKey | readonly SigningKey[],
  message: unknown,
  expect: { deviceId: string; now: number },
): Promise<VerifiedCommand> {
  const envelope = signedCommandMessage.safeParse(message);
  if (!envelope.success) return refuse('malformed', envelope.error.issues[0]?.message ?? 'bad envelope');
  const bytes = fromBase64Url(envelope.data.body);
  const signature = fromBase64Url(envelope.data.signature);
  if (!bytes || !signature) return refuse('malformed', 'body or signature is not base64url');
  let valid = false;
  for (const key of Array.isArray(publicKeys) ? publicKeys : [publicKeys]) {
    if (await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, bytes)) {
      valid = true;
      break;
    }
  }
  if (!valid) return refuse('bad_signature', 'signature does not match the hub key');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return refuse('malformed', 'signed body is not JSON');
  }
  const body = commandBodySchema.safeParse(json);
  if (!body.success) {
    const issue = body.error.issues[0];
    return refuse('malformed', issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad body');
  }
  if (body.data.deviceId !== expect.deviceId)
    return refuse('wrong_device', `addressed to ${body.data.deviceId}`);
  if (expect.now >= body.data.expiresAt) return refuse('expired', `expired at ${body.data.expiresAt}`);
  if (body.data.issuedAt > expect.now + CLOCK_SKEW_MS) return refuse('not_yet_valid', 'issued in the future');
  return { ok: true, body: body.data };
}

function refuse(reason: CommandRefusal, detail: string): VerifiedCommand {
  return { ok: false, reason, detail };
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
