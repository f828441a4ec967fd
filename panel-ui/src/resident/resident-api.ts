/**
 * The panel's resident routes as the page calls them (device/api/routes/resident-session-routes.ts): sign
 * in with a tap's id and the PIN, read and change the settings, sign out. The token travels only in the
 * Authorization header. Types from the protocol, imported as types only (no validator in the bundle).
 */
import type {
  RESIDENT_SESSION_PATH,
  ResidentPanelSettings,
  ResidentSessionReply,
  ResidentSettingsPatch,
  ResidentSettingsSent,
} from '../../../cloud-sync/protocol/resident-panel.ts';

/** A literal (the page imports the protocol as types only), checked against the protocol's. */
const SESSION: typeof RESIDENT_SESSION_PATH = '/api/v1/resident-session';

/** A refusal: the HTTP status, the error code, and Retry-After in seconds when the panel sent one. */
export class ResidentApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterS: number | null;
  constructor(status: number, code: string, message: string, retryAfterS: number | null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ResidentApiError(0, 'network', 'the panel is not answering', null);
  }
  const text = await response.text();
  const json = (text ? JSON.parse(text) : undefined) as
    | { error?: { code?: string; message?: string } }
    | undefined;
  if (!response.ok) {
    const retry = Number(response.headers.get('retry-after'));
    throw new ResidentApiError(
      response.status,
      json?.error?.code ?? 'error',
      json?.error?.message ?? response.statusText,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  return json as T;
}

export const residentApi = {
  signIn: (tapId: string, pin: string) => call<ResidentSessionReply>('POST', SESSION, null, { tapId, pin }),
  settings: (token: string) =>
    call<{ expiresAt: number; resident: ResidentPanelSettings }>('GET', `${SESSION}/me`, token),
  change: (token: string, patch: ResidentSettingsPatch) =>
    call<ResidentSettingsSent>('PATCH', `${SESSION}/me`, token, patch),
  signOut: (token: string) => call<void>('DELETE', SESSION, token),
};
