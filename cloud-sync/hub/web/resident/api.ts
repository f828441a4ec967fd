/**
 * The hub's resident API from the browser. Every reply is validated with the shared schemas
 * (cloud-sync/protocol/resident-api.ts); a reply that does not match is an error, never half-used.
 */
import {
  type CallLogEntry,
  callLogReply,
  type ResidentCommandReply,
  type ResidentDoor,
  type ResidentLoginBody,
  type ResidentLoginReply,
  type ResidentOpenReply,
  type ResidentProfile,
  residentCommandReply,
  residentDoorsReply,
  residentLoginReply,
  residentOpenReply,
  residentProfile,
} from '../../../protocol/resident-api.ts';

const BASE = '/api/v1/resident';

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterS: number | null;
  constructor(status: number, code: string, message: string, retryAfterS: number | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}

async function request<T>(
  method: string,
  path: string,
  schema: Schema<T> | null,
  token: string | null,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'the hub cannot be reached');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(
      res.status,
      typeof error?.code === 'string' ? error.code : 'http_error',
      typeof error?.message === 'string' ? error.message : `the hub answered ${res.status}`,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  if (schema === null) return undefined as T;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'bad_reply', `unexpected reply from ${path}`);
  return parsed.data;
}

export function login(body: ResidentLoginBody): Promise<ResidentLoginReply> {
  return request('POST', '/login', residentLoginReply, null, body);
}

export class ResidentApi {
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  me(): Promise<ResidentProfile> {
    return request('GET', '/me', residentProfile, this.#token);
  }

  async doors(): Promise<ResidentDoor[]> {
    return (await request('GET', '/doors', residentDoorsReply, this.#token)).doors;
  }

  open(doorId: string): Promise<ResidentOpenReply> {
    return request('POST', `/doors/${encodeURIComponent(doorId)}/open`, residentOpenReply, this.#token);
  }

  command(nonce: string): Promise<ResidentCommandReply> {
    return request('GET', `/commands/${encodeURIComponent(nonce)}`, residentCommandReply, this.#token);
  }

  async calls(limit = 30): Promise<CallLogEntry[]> {
    return (await request('GET', `/calls?limit=${limit}`, callLogReply, this.#token)).calls;
  }

  logout(): Promise<void> {
    return request('POST', '/logout', null, this.#token);
  }
}
