/**
 * The hub's resident API from the browser. Every reply is validated with the shared schemas
 * (cloud-sync/protocol/resident-api.ts); a reply that does not match is an error, never half-used.
 */

import { type IceServersReply, iceServersReply } from '../../../protocol/ice.ts';
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
import type { InviteRedeemBody } from '../../../protocol/resident-invite.ts';
import {
  type PanelPinSetBody,
  type PanelPinStatus,
  panelPinStatus,
} from '../../../protocol/resident-panel.ts';
import {
  type SelfCardChange,
  type SelfCardsReply,
  type SelfDevice,
  type SelfDoorbell,
  type SelfDoorbellBody,
  type SelfProfile,
  type SelfProfileBody,
  selfCardChange,
  selfCardsReply,
  selfDevicesReply,
  selfDoorbell,
  selfProfile,
} from '../../../protocol/resident-self-service.ts';
import {
  type UnitDoorbellBody,
  type UnitDoorbellsReply,
  unitDoorbellsReply,
} from '../../../protocol/unit-owner.ts';

const BASE = '/api/v1/resident';
/** How long a card change waits for the online panels to apply it before answering. */
const CARD_WAIT_MS = 5000;

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

/** Sets the password an invite lets the resident choose, and logs in (the code is the credential). */
export function redeemInvite(body: InviteRedeemBody): Promise<ResidentLoginReply> {
  return request('POST', '/invite/redeem', residentLoginReply, null, body);
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

  /** STUN/TURN servers for calls, with TURN credentials that expire (see ice-servers.ts). */
  iceServers(): Promise<IceServersReply> {
    return request('GET', '/ice-servers', iceServersReply, this.#token);
  }

  async calls(limit = 30): Promise<CallLogEntry[]> {
    return (await request('GET', `/calls?limit=${limit}`, callLogReply, this.#token)).calls;
  }

  logout(): Promise<void> {
    return request('POST', '/logout', null, this.#token);
  }

  profile(): Promise<SelfProfile> {
    return request('GET', '/profile', selfProfile, this.#token);
  }

  updateProfile(body: SelfProfileBody): Promise<SelfProfile> {
    return request('PATCH', '/profile', selfProfile, this.#token, body);
  }

  doorbell(): Promise<SelfDoorbell> {
    return request('GET', '/doorbell', selfDoorbell, this.#token);
  }

  updateDoorbell(body: SelfDoorbellBody): Promise<SelfDoorbell> {
    return request('PATCH', '/doorbell', selfDoorbell, this.#token, body);
  }

  setBellText(bellId: string, displayText: string): Promise<SelfDoorbell> {
    const path = `/doorbell/bells/${encodeURIComponent(bellId)}`;
    return request('PATCH', path, selfDoorbell, this.#token, { displayText });
  }

  /** `image`: the picture file as base64; the hub checks and re-encodes it. */
  uploadPicture(image: string): Promise<SelfDoorbell> {
    return request('PUT', '/doorbell/picture', selfDoorbell, this.#token, { image });
  }

  removePicture(): Promise<SelfDoorbell> {
    return request('DELETE', '/doorbell/picture', selfDoorbell, this.#token);
  }

  cards(): Promise<SelfCardsReply> {
    return request('GET', '/cards', selfCardsReply, this.#token);
  }

  /** Card changes wait (a few seconds at most) for the panels to apply them, to say where they are in force. */
  addCard(uid: string): Promise<SelfCardChange> {
    return request('POST', `/cards?wait=${CARD_WAIT_MS}`, selfCardChange, this.#token, { uid });
  }

  setCardStatus(cardId: string, status: 'active' | 'blocked'): Promise<SelfCardChange> {
    const path = `/cards/${encodeURIComponent(cardId)}?wait=${CARD_WAIT_MS}`;
    return request('PATCH', path, selfCardChange, this.#token, { status });
  }

  async devices(): Promise<SelfDevice[]> {
    return (await request('GET', '/devices', selfDevicesReply, this.#token)).devices;
  }

  /** The unit the resident owns, per panel; null for a resident who owns none (the hub answers 403). */
  async unit(): Promise<UnitDoorbellsReply | null> {
    try {
      return await request('GET', '/unit', unitDoorbellsReply, this.#token);
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) return null;
      throw err;
    }
  }

  setUnitDoorbell(panelId: string, body: UnitDoorbellBody): Promise<UnitDoorbellsReply> {
    const path = `/unit/panels/${encodeURIComponent(panelId)}/doorbell`;
    return request('PUT', path, unitDoorbellsReply, this.#token, body);
  }

  logOutDevice(appDeviceId: string): Promise<void> {
    return request('DELETE', `/devices/${encodeURIComponent(appDeviceId)}`, null, this.#token);
  }

  panelPin(): Promise<PanelPinStatus> {
    return request('GET', '/panel-pin', panelPinStatus, this.#token);
  }

  /** The current password confirms it (a wrong one: 403, and it counts as a failed login). */
  setPanelPin(body: PanelPinSetBody): Promise<PanelPinStatus> {
    return request('PUT', '/panel-pin', panelPinStatus, this.#token, body);
  }

  clearPanelPin(): Promise<PanelPinStatus> {
    return request('DELETE', '/panel-pin', panelPinStatus, this.#token);
  }
}
