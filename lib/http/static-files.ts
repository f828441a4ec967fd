/**
 * Static files of a browser app built into one flat folder (the panel page, the hub's web apps). A
 * request names a file only by looking it up in the folder's listing, so there is no path to traverse;
 * only files of a known content type are served. Replies carry the app's security headers (its CSP).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Reply } from './router.ts';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** The headers every app page needs besides its own content security policy. */
export function securityHeaders(contentSecurityPolicy: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

function servable(name: string): boolean {
  return CONTENT_TYPES[extname(name)] !== undefined;
}

function fileReply(name: string, body: Buffer, headers: Record<string, string>): Reply {
  // No content hashes in the file names: always revalidate, so a new build is picked up at once.
  return { status: 200, body, headers: { 'content-type': CONTENT_TYPES[extname(name)]!, ...headers } };
}

/** Reads every servable file of `dir` once (the panel page: a kiosk that never changes under it). */
export function loadStaticFiles(dir: string, headers: Record<string, string>): Map<string, Reply> {
  const files = new Map<string, Reply>();
  for (const name of readdirSync(dir)) {
    if (!servable(name) || !statSync(join(dir, name)).isFile()) continue;
    files.set(name, fileReply(name, readFileSync(join(dir, name)), headers));
  }
  return files;
}

/**
 * Reads `name` from `dir` per request, so a rebuilt app is served without a restart. `undefined` when the
 * folder is missing or empty (the app is not built); a 404 reply when the name is not one of its files.
 */
export async function readStaticFile(
  dir: string | undefined,
  name: string,
  headers: Record<string, string>,
): Promise<Reply | undefined> {
  let names: string[] = [];
  try {
    if (dir) names = await readdir(dir);
  } catch {}
  if (names.length === 0) return undefined;
  const notFound: Reply = { status: 404, body: { error: { code: 'not_found', message: `no file ${name}` } } };
  if (!servable(name) || !names.includes(name)) return notFound;
  try {
    return fileReply(name, await readFile(join(dir!, name)), headers);
  } catch {
    return notFound;
  }
}
