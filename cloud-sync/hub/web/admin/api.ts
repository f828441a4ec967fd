/**
 * The hub's admin API from WebAdmin. Every reply is validated with the protocol's schemas (the same ones
 * the hub builds its replies from); a reply that does not match is an error, never half-used. An error
 * from the hub keeps what the hub wrote: its message and, for bad input, each field's issue.
 */
import {
  type AccountPatchBody,
  type AdminAccountView,
  type AdminLoginReply,
  type AdminMe,
  adminAccountsReply,
  adminAccountViewSchema,
  adminLoginReply,
  adminMeReply,
  type ChangesReply,
  changesReply,
  type NewAccountBody,
  type ResidentLoginIssued,
  residentLoginIssued,
  type SecondFactorReply,
  secondFactorReply,
} from '../../../protocol/admin-api.ts';
import {
  type CardChangeReply,
  type CommandView,
  type ConfigOutcomeView,
  cardChangeReply,
  commandViewSchema,
  type OpenDoorBody,
  type OpenDoorReply,
  openDoorReply,
  type PanelStatusReply,
  panelStatusReply,
  type ResidentChangeReply,
  removalReply,
  residentChangeReply,
} from '../../../protocol/admin-panels.ts';
import { accessRuleSchema, cardSchema, unitSchema } from '../../../protocol/building.ts';
import {
  doorViewSchema,
  hubBuildingSchema,
  hubResidentSchema,
  listReply,
  type Parsed,
  panelViewSchema,
} from '../../../protocol/hub-entities.ts';

/** The reply schemas as far as the client needs them: something that can safely parse. */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * The admin tables WebAdmin reads and writes generically, each with the schema of its rows. A screen for
 * another table adds it here (one line) and gets list/get/create/update/remove for it.
 */
export const ROWS = {
  buildings: hubBuildingSchema,
  panels: panelViewSchema,
  doors: doorViewSchema,
  units: unitSchema,
  residents: hubResidentSchema,
  cards: cardSchema,
  accessRules: accessRuleSchema,
} as const;
export type RowName = keyof typeof ROWS;
export type Row<N extends RowName> = Parsed<(typeof ROWS)[N]>;

const LISTS: { [N in RowName]: Schema<Record<N, Row<N>[]>> } = Object.fromEntries(
  Object.entries(ROWS).map(([name, row]) => [name, listReply(name, row)]),
) as never;

/** How long a card or resident change waits for the online panels to apply it before answering. */
export const APPLY_WAIT_MS = 5000;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The hub's issues with the input, each `field: message` (or a message about the whole input). */
  readonly issues: readonly string[];
  readonly retryAfterS: number | null;
  constructor(
    status: number,
    code: string,
    message: string,
    issues: readonly string[] = [],
    retryAfterS: number | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.retryAfterS = retryAfterS;
  }
}

interface ErrorReply {
  error?: { code?: unknown; message?: unknown; issues?: unknown };
}

/** The hub's error body as an ApiError (message, code, each field's issue, Retry-After). */
export function errorOf(res: Response, json: unknown): ApiError {
  const error = (json as ErrorReply | undefined)?.error;
  const retry = Number(res.headers.get('retry-after'));
  const issues = Array.isArray(error?.issues) ? error.issues.filter((i) => typeof i === 'string') : [];
  return new ApiError(
    res.status,
    typeof error?.code === 'string' ? error.code : 'http_error',
    typeof error?.message === 'string' ? error.message : `the hub answered ${res.status}`,
    issues,
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
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
    res = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'the hub cannot be reached');
  }
  const json = await readJson(res);
  if (!res.ok) throw errorOf(res, json);
  if (schema === null) return undefined as T;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(res.status, 'bad_reply', `unexpected reply from ${method} ${path}`);
  return parsed.data;
}

const seg = encodeURIComponent;

/** A reply's JSON body, or undefined for an empty or non-JSON one (an error page of a proxy). */
export async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A query string of the parameters given (undefined and empty ones left out). */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The two login steps need no session: they start one. */
export function login(username: string, password: string): Promise<AdminLoginReply> {
  return request('POST', '/api/v1/admin/login', adminLoginReply, null, { username, password });
}

export function secondFactor(loginToken: string, code: string): Promise<SecondFactorReply> {
  return request('POST', '/api/v1/admin/login/second-factor', secondFactorReply, null, { loginToken, code });
}

export class AdminApi {
  readonly #token: string;
  readonly #expired: (err: ApiError) => void;

  /** `expired` is told when the hub no longer takes the session (idle or absolute expiry, logout elsewhere). */
  constructor(token: string, expired: (err: ApiError) => void) {
    this.#token = token;
    this.#expired = expired;
  }

  async #call<T>(method: string, path: string, schema: Schema<T> | null, body?: unknown): Promise<T> {
    try {
      return await request(method, path, schema, this.#token, body);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.#expired(err);
      throw err;
    }
  }

  me(): Promise<AdminMe> {
    return this.#call('GET', '/api/v1/admin/me', adminMeReply);
  }

  logout(): Promise<void> {
    return request('POST', '/api/v1/admin/logout', null, this.#token);
  }

  // Generic rows ------------------------------------------------------------------------------------

  async list<N extends RowName>(name: N, filter: Record<string, string> = {}): Promise<Row<N>[]> {
    const reply = await this.#call('GET', `/api/v1/${name}${query(filter)}`, LISTS[name]);
    return reply[name];
  }

  get<N extends RowName>(name: N, id: string): Promise<Row<N>> {
    return this.#call('GET', `/api/v1/${name}/${seg(id)}`, ROWS[name] as Schema<Row<N>>);
  }

  /** Not for cards and residents, whose changes answer with their config outcome (the methods below). */
  create<N extends Exclude<RowName, 'cards' | 'residents'>>(name: N, body: unknown): Promise<Row<N>> {
    return this.#call('POST', `/api/v1/${name}`, ROWS[name] as Schema<Row<N>>, body);
  }

  update<N extends Exclude<RowName, 'cards' | 'residents'>>(
    name: N,
    id: string,
    patch: unknown,
  ): Promise<Row<N>> {
    return this.#call('PATCH', `/api/v1/${name}/${seg(id)}`, ROWS[name] as Schema<Row<N>>, patch);
  }

  remove(name: Exclude<RowName, 'cards' | 'residents'>, id: string): Promise<void> {
    return this.#call('DELETE', `/api/v1/${name}/${seg(id)}`, null);
  }

  // Residents and cards: each change waits for the panels and says which applied it ----------------

  createResident(body: unknown): Promise<ResidentChangeReply> {
    return this.#call(
      'POST',
      `/api/v1/residents${query({ wait: APPLY_WAIT_MS })}`,
      residentChangeReply,
      body,
    );
  }

  updateResident(id: string, patch: unknown): Promise<ResidentChangeReply> {
    const path = `/api/v1/residents/${seg(id)}${query({ wait: APPLY_WAIT_MS })}`;
    return this.#call('PATCH', path, residentChangeReply, patch);
  }

  /** Sets (or replaces) the resident's app login; the password is in this answer only. */
  setResidentLogin(id: string): Promise<ResidentLoginIssued> {
    return this.#call('POST', `/api/v1/residents/${seg(id)}/login`, residentLoginIssued);
  }

  createCard(body: unknown): Promise<CardChangeReply> {
    return this.#call('POST', `/api/v1/cards${query({ wait: APPLY_WAIT_MS })}`, cardChangeReply, body);
  }

  cardAction(id: string, action: 'block' | 'unblock' | 'revoke'): Promise<CardChangeReply> {
    const path = `/api/v1/cards/${seg(id)}/${action}${query({ wait: APPLY_WAIT_MS })}`;
    return this.#call('POST', path, cardChangeReply);
  }

  async removeCard(id: string): Promise<ConfigOutcomeView> {
    const path = `/api/v1/cards/${seg(id)}${query({ wait: APPLY_WAIT_MS })}`;
    return (await this.#call('DELETE', path, removalReply)).config;
  }

  // Panels and doors --------------------------------------------------------------------------------

  panelStatus(id: string): Promise<PanelStatusReply> {
    return this.#call('GET', `/api/v1/panels/${seg(id)}`, panelStatusReply);
  }

  openDoor(doorId: string, body: OpenDoorBody): Promise<OpenDoorReply> {
    return this.#call('POST', `/api/v1/doors/${seg(doorId)}/open`, openDoorReply, body);
  }

  /** Arms the door's reader: the next card tapped there opens nothing, and its UID is the command's result. */
  enrolCard(doorId: string, durationS: number): Promise<OpenDoorReply> {
    return this.#call('POST', `/api/v1/doors/${seg(doorId)}/enrol`, openDoorReply, { durationS });
  }

  command(nonce: string): Promise<CommandView> {
    return this.#call('GET', `/api/v1/commands/${seg(nonce)}`, commandViewSchema);
  }

  // Accounts and the change log ---------------------------------------------------------------------

  async accounts(): Promise<AdminAccountView[]> {
    return (await this.#call('GET', '/api/v1/admin/accounts', adminAccountsReply)).accounts;
  }

  createAccount(body: NewAccountBody): Promise<AdminAccountView> {
    return this.#call('POST', '/api/v1/admin/accounts', adminAccountViewSchema, body);
  }

  updateAccount(id: string, patch: AccountPatchBody): Promise<AdminAccountView> {
    return this.#call('PATCH', `/api/v1/admin/accounts/${seg(id)}`, adminAccountViewSchema, patch);
  }

  resetSecondFactor(id: string): Promise<AdminAccountView> {
    const path = `/api/v1/admin/accounts/${seg(id)}/reset-second-factor`;
    return this.#call('POST', path, adminAccountViewSchema);
  }

  changes(q: {
    before?: number | undefined;
    building?: string | undefined;
    limit?: number;
  }): Promise<ChangesReply> {
    return this.#call('GET', `/api/v1/admin/changes${query(q)}`, changesReply);
  }
}
