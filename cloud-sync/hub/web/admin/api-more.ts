/**
 * The admin API calls of WebAdmin's second set of screens (doorbells, time profiles, CSV import, events,
 * invites, moderation), beside api.ts's client and in the same manner: every reply validated with the
 * protocol's schemas, an error keeps the hub's message and field issues (ApiError). It sends the session
 * token api.ts's client was made with (session.ts); a 401 is passed to that client, whose shell then
 * shows the login ("session ended").
 */
import { type EventsListReply, eventsListReply } from '../../../protocol/admin-event-view.ts';
import { streamTicketReply } from '../../../protocol/admin-events.ts';
import { type ImportReportView, importReportView } from '../../../protocol/admin-import.ts';
import { moderationReply } from '../../../protocol/admin-moderation.ts';
import { configOutcomeView } from '../../../protocol/admin-panels.ts';
import { timeProfileSchema } from '../../../protocol/building.ts';
import {
  doorbellMemberSchema,
  doorbellSchema,
  listReply,
  type Parsed,
} from '../../../protocol/hub-entities.ts';
import { type ResidentInviteReply, residentInviteReply } from '../../../protocol/resident-invite.ts';
import { unitOwnerReply } from '../../../protocol/unit-owner.ts';
import { type AdminApi, APPLY_WAIT_MS, ApiError, errorOf, query, readJson, type Schema } from './api.ts';
import { loadToken } from './session.ts';

/** The tables these screens read and write generically, with the schema of their rows. */
export const MORE_ROWS = {
  doorbells: doorbellSchema,
  doorbellMembers: doorbellMemberSchema,
  timeProfiles: timeProfileSchema,
} as const;
export type MoreRowName = keyof typeof MORE_ROWS;
export type MoreRow<N extends MoreRowName> = Parsed<(typeof MORE_ROWS)[N]>;

const MORE_LISTS: { [N in MoreRowName]: Schema<Record<N, MoreRow<N>[]>> } = Object.fromEntries(
  Object.entries(MORE_ROWS).map(([name, row]) => [name, listReply(name, row)]),
) as never;

/** A moderation change as the hub answers it: what changed, and where the panels have it. */
const moderationOutcome = moderationReply.extend({ config: configOutcomeView });
export type ModerationOutcome = Parsed<typeof moderationOutcome>;
export type UnitOwnerReply = Parsed<typeof unitOwnerReply>;

const seg = encodeURIComponent;

/** A body sent as it is (a CSV file), not as JSON. */
export class RawBody {
  readonly contentType: string;
  readonly data: string | ArrayBuffer;
  constructor(contentType: string, data: string | ArrayBuffer) {
    this.contentType = contentType;
    this.data = data;
  }
}

export class MoreApi {
  readonly #api: AdminApi;

  /** `api` is the shell's client: a 401 here is told to it (it shows the login). */
  constructor(api: AdminApi) {
    this.#api = api;
  }

  /** Fetches with the session token; a 401 ends the session in the shell and throws. */
  async fetch(method: string, path: string, body?: unknown | RawBody): Promise<Response> {
    const headers: Record<string, string> = {};
    const token = loadToken();
    if (token) headers['authorization'] = `Bearer ${token}`;
    let payload: string | ArrayBuffer | undefined;
    if (body instanceof RawBody) {
      headers['content-type'] = body.contentType;
      payload = body.data;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(path, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    } catch {
      throw new ApiError(0, 'network', 'the hub cannot be reached');
    }
    if (res.status === 401) {
      const err = errorOf(res, await readJson(res));
      // The shell's client learns of the ended session by asking itself (its own 401 handling).
      void this.#api.me().catch(() => {});
      throw err;
    }
    return res;
  }

  /** A JSON call: the reply validated with `schema` (null: no body expected). `ok` adds accepted statuses. */
  async call<T>(
    method: string,
    path: string,
    schema: Schema<T> | null,
    body?: unknown,
    ok: readonly number[] = [],
  ): Promise<T> {
    const res = await this.fetch(method, path, body);
    const json = await readJson(res);
    if (!res.ok && !ok.includes(res.status)) throw errorOf(res, json);
    if (schema === null) return undefined as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new ApiError(res.status, 'bad_reply', `unexpected reply from ${method} ${path}`);
    return parsed.data;
  }

  // Generic rows ------------------------------------------------------------------------------------

  async list<N extends MoreRowName>(name: N, filter: Record<string, string> = {}): Promise<MoreRow<N>[]> {
    return (await this.call('GET', `/api/v1/${name}${query(filter)}`, MORE_LISTS[name]))[name];
  }

  create<N extends MoreRowName>(name: N, body: unknown): Promise<MoreRow<N>> {
    return this.call('POST', `/api/v1/${name}`, MORE_ROWS[name] as Schema<MoreRow<N>>, body);
  }

  update<N extends MoreRowName>(name: N, id: string, patch: unknown): Promise<MoreRow<N>> {
    return this.call('PATCH', `/api/v1/${name}/${seg(id)}`, MORE_ROWS[name] as Schema<MoreRow<N>>, patch);
  }

  remove(name: MoreRowName, id: string): Promise<void> {
    return this.call('DELETE', `/api/v1/${name}/${seg(id)}`, null);
  }

  // CSV import --------------------------------------------------------------------------------------

  /**
   * A dry run or an apply of a CSV file, sent as its bytes (the hub reports lines that are not UTF-8,
   * which decoding here would hide). A file with bad rows is an answer (422 with every bad row),
   * not an error; an apply waits for the online panels to apply its versions.
   */
  importCsv(buildingId: string, csv: ArrayBuffer, dryRun: boolean): Promise<ImportReportView> {
    const path = `/api/v1/buildings/${seg(buildingId)}/import${query({
      dryRun: String(dryRun),
      wait: dryRun ? undefined : APPLY_WAIT_MS,
    })}`;
    return this.call('POST', path, importReportView, new RawBody('text/csv', csv), [422]);
  }

  // Invites and moderation (wb's routes) -------------------------------------------------------------

  /** A one-time code and app link for the resident (shown once; a newer invite replaces it). */
  invite(residentId: string): Promise<ResidentInviteReply> {
    return this.call('POST', `/api/v1/residents/${seg(residentId)}/invite`, residentInviteReply);
  }

  /** The resident's text on this panel back to their name; waits for the panels like card changes. */
  removeText(panelId: string, residentId: string): Promise<ModerationOutcome> {
    const path = `/api/v1/residents/${seg(residentId)}/display-text/reset${query({ wait: APPLY_WAIT_MS })}`;
    return this.call('POST', path, moderationOutcome, { panelId });
  }

  /** The resident's picture removed (it is theirs on every panel). */
  removePicture(residentId: string): Promise<ModerationOutcome> {
    const path = `/api/v1/residents/${seg(residentId)}/picture${query({ wait: APPLY_WAIT_MS })}`;
    return this.call('DELETE', path, moderationOutcome);
  }

  /** The resident off this panel's directory (their cards and access rules stay). */
  removeFromPanel(panelId: string, residentId: string): Promise<ModerationOutcome> {
    const path = `/api/v1/panels/${seg(panelId)}/directory/${seg(residentId)}${query({ wait: APPLY_WAIT_MS })}`;
    return this.call('DELETE', path, moderationOutcome);
  }

  // Unit owners (wb's routes) ----------------------------------------------------------------------

  unitOwner(unitId: string): Promise<UnitOwnerReply> {
    return this.call('GET', `/api/v1/units/${seg(unitId)}/owner`, unitOwnerReply);
  }

  /** Makes the resident (of that unit) its owner, or clears the owner with null. */
  setUnitOwner(unitId: string, residentId: string | null): Promise<UnitOwnerReply> {
    return this.call('PUT', `/api/v1/units/${seg(unitId)}/owner`, unitOwnerReply, { residentId });
  }

  // Events ------------------------------------------------------------------------------------------

  /** A page of events, newest first; `before` pages to older ones. */
  events(filter: EventFilter, page: { before?: number; limit?: number } = {}): Promise<EventsListReply> {
    return this.call('GET', `/api/v1/events${query({ ...filterQuery(filter), ...page })}`, eventsListReply);
  }

  /** The CSV export of the same filter (newest first, bounded by the hub), as a file to save. */
  async eventsCsv(filter: EventFilter): Promise<{ blob: Blob; nextBefore: string | null }> {
    const res = await this.fetch('GET', `/api/v1/events.csv${query(filterQuery(filter))}`);
    if (!res.ok) throw errorOf(res, await readJson(res));
    return { blob: await res.blob(), nextBefore: res.headers.get('x-next-before') };
  }

  /**
   * Opens the live stream of events matching `filter` past cursor `after`: a single-use ticket first (the
   * stream's GET carries the ticket, not the session token), then the stream itself.
   */
  async eventStream(filter: EventFilter, after: number, signal: AbortSignal): Promise<Response> {
    const { ticket } = await this.call('POST', '/api/v1/events/stream-ticket', streamTicketReply, {
      ...filterBody(filter),
      after,
    });
    const res = await fetch(`/api/v1/events/stream${query({ ticket })}`, {
      headers: { accept: 'text/event-stream' },
      signal,
    });
    if (!res.ok) throw errorOf(res, await readJson(res));
    return res;
  }
}

/** The filters of the events routes, as the events screen holds them (empty = any). */
export interface EventFilter {
  building: string;
  door?: string | undefined;
  resident?: string | undefined;
  card?: string | undefined;
  /** Event types; empty = every type. */
  types?: readonly string[];
  /** Epoch ms, inclusive / exclusive. */
  from?: number | undefined;
  to?: number | undefined;
}

function filterQuery(f: EventFilter): Record<string, string | number | undefined> {
  return {
    building: f.building,
    door: f.door,
    resident: f.resident,
    card: f.card,
    type: f.types?.length ? f.types.join(',') : undefined,
    from: f.from,
    to: f.to,
  };
}

function filterBody(f: EventFilter): Record<string, unknown> {
  const body: Record<string, unknown> = { building: f.building };
  if (f.door) body['door'] = f.door;
  if (f.resident) body['resident'] = f.resident;
  if (f.card) body['card'] = f.card;
  if (f.types?.length) body['type'] = [...f.types];
  return body;
}
