/**
 * Secret comparison without a timing side channel. Every credential a request presents (installer token,
 * admin token, broker secret, broker passwords, session tokens) is checked here.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthError } from '../errors.ts';

/** Constant-time equality of two secrets; a length difference is not hidden (lengths are not secret). */
export function secretsEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const a = typeof given === 'string' ? Buffer.from(given) : given;
  const b = typeof expected === 'string' ? Buffer.from(expected) : expected;
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or '' when there is none. */
export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : '';
}

/**
 * Refuses the request (AuthError, HTTP 401) unless it carries `expected` as its bearer token. `what`
 * names the credential in the error ("installer token", "broker secret").
 */
export function requireBearer(
  req: Pick<IncomingMessage, 'headers'>,
  expected: string,
  what: string,
  placeholder = 'token',
): void {
  if (!secretsEqual(bearerToken(req), expected))
    throw new AuthError(`missing or wrong ${what} (Authorization: Bearer <${placeholder}>)`);
}
