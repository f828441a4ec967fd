/**
 * Live event streams for WebAdmin (server-sent events). A browser's EventSource cannot send an
 * Authorization header, and a session token in a URL would end up in proxy logs and browser history, so
 * the page first asks (with its session, as any request) for a ticket: single use, 30 s, kept only in
 * memory. The stream opened with it carries the events its filter selects, as they are stored, and a
 * heartbeat; a logout ends it at once, and at every heartbeat the credential behind it is checked again
 * (without counting as use, so an idle session still expires): an expired, disabled or narrowed session
 * ends the stream too. Streams
 * are bounded per principal and in total: each holds a socket and a timer.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { AuthError, RateLimitedError } from '../../../lib/errors.ts';
import {
  SSE_HEARTBEAT,
  type StreamBody,
  type StreamSink,
  serverSentEvent,
} from '../../../lib/http/stream-reply.ts';
import { STREAM_HEARTBEAT_MS, STREAM_TICKET_TTL_MS } from '../../protocol/admin-events.ts';
import type { Principal } from '../accounts/principal.ts';
import type { EventFilter } from '../store/event-filter.ts';
import type { EventLog } from '../store/event-log.ts';
import { stillCovers } from './event-scope.ts';

export interface StreamLimits {
  perPrincipal: number;
  total: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perPrincipal: 4, total: 64 };

/** Events read per query while catching a stream up. */
const BATCH = 500;

interface Ticket {
  owner: string;
  credential: string;
  filter: EventFilter;
  after: number | undefined;
  expiresAt: number;
}

interface OpenStream {
  owner: string;
  credential: string;
  filter: EventFilter;
  last: number;
  /** Set once the headers are out. */
  sink: StreamSink | undefined;
  heartbeat: TimerHandle | undefined;
}

export class EventStreams {
  readonly #events: EventLog;
  readonly #clock: Clock;
  readonly #identify: (credential: string) => Principal | undefined;
  readonly #limits: StreamLimits;
  readonly #tickets = new Map<string, Ticket>();
  readonly #open = new Set<OpenStream>();
  #pumpQueued = false;

  constructor(o: {
    events: EventLog;
    clock: Clock;
    /** The principal of a credential now, without counting as use; undefined once it is gone. */
    identify: (credential: string) => Principal | undefined;
    limits?: StreamLimits | undefined;
  }) {
    this.#events = o.events;
    this.#clock = o.clock;
    this.#identify = o.identify;
    this.#limits = o.limits ?? DEFAULT_STREAM_LIMITS;
    o.events.subscribe(() => this.#queuePump());
  }

  /** Ends at once every stream (and unused ticket) opened with this credential: its session ended. */
  endCredential(credential: string): void {
    for (const [key, t] of this.#tickets) if (t.credential === credential) this.#tickets.delete(key);
    for (const stream of this.#open) if (stream.credential === credential) this.#end(stream);
  }

  get openCount(): number {
    return this.#open.size;
  }

  /** A ticket for one stream of `filter` (already scoped to the principal). */
  issue(
    principal: Principal,
    credential: string,
    filter: EventFilter,
    after: number | undefined,
  ): { ticket: string; expiresAt: number } {
    const now = this.#clock.now();
    for (const [key, t] of this.#tickets) if (t.expiresAt <= now) this.#tickets.delete(key);
    const owner = ownerOf(principal);
    this.#checkRoom(owner);
    // Unused tickets are bounded like streams: a loop of ticket requests cannot grow the map.
    const pending = [...this.#tickets.values()].filter((t) => t.owner === owner).length;
    if (pending >= this.#limits.perPrincipal || this.#tickets.size >= this.#limits.total)
      throw new RateLimitedError(
        'too many unused stream tickets; open or let them expire',
        STREAM_TICKET_TTL_MS,
      );
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + STREAM_TICKET_TTL_MS;
    this.#tickets.set(hash(ticket), { owner, credential, filter, after, expiresAt });
    return { ticket, expiresAt };
  }

  /** The stream of a ticket; the ticket is spent whether or not the stream opens. */
  open(ticket: string): StreamBody {
    const key = hash(ticket);
    const t = this.#tickets.get(key);
    this.#tickets.delete(key);
    if (!t || t.expiresAt <= this.#clock.now())
      throw new AuthError('unknown, used or expired stream ticket: ask for a new one');
    const principal = this.#identify(t.credential);
    if (!principal || !stillCovers(principal, t.filter))
      throw new AuthError('the session behind this stream ticket has ended');
    this.#checkRoom(t.owner);
    const stream: OpenStream = {
      owner: t.owner,
      credential: t.credential,
      filter: t.filter,
      last: t.after ?? this.#latestCursor(),
      sink: undefined,
      heartbeat: undefined,
    };
    this.#open.add(stream);
    return {
      open: (sink) => {
        stream.sink = sink;
        sink.onClose(() => {
          this.#open.delete(stream);
          this.#clock.clearTimeout(stream.heartbeat);
        });
        // Tells EventSource to wait 3 s before reconnecting (it will need a new ticket anyway).
        sink.write('retry: 3000\n\n');
        this.#send(stream);
        this.#beat(stream);
      },
    };
  }

  #checkRoom(owner: string): void {
    if (this.#open.size >= this.#limits.total)
      throw new RateLimitedError('too many open event streams at this hub; try again later', 10_000);
    const mine = [...this.#open].filter((s) => s.owner === owner).length;
    if (mine >= this.#limits.perPrincipal)
      throw new RateLimitedError(
        `at most ${this.#limits.perPrincipal} open event streams per administrator; close one`,
        10_000,
      );
  }

  #latestCursor(): number {
    return this.#events.list({ order: 'desc', limit: 1 })[0]?.cursor ?? 0;
  }

  /** Stores notify synchronously, maybe inside a transaction: the streams read after it. */
  #queuePump(): void {
    if (this.#pumpQueued || this.#open.size === 0) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      for (const stream of this.#open) this.#send(stream);
    });
  }

  #send(stream: OpenStream): void {
    const sink = stream.sink;
    if (sink === undefined) return;
    for (;;) {
      if (sink.closed) return;
      const batch = this.#events.list({ ...stream.filter, after: stream.last, order: 'asc', limit: BATCH });
      for (const e of batch) {
        sink.write(serverSentEvent({ event: 'event', id: e.cursor, data: JSON.stringify(e) }));
        stream.last = e.cursor;
      }
      if (batch.length < BATCH) {
        // Nothing else matches up to the newest cursor (stores are synchronous, none ran meanwhile):
        // the next read starts there instead of scanning non-matching events again.
        stream.last = Math.max(stream.last, this.#latestCursor());
        return;
      }
    }
  }

  #beat(stream: OpenStream): void {
    stream.heartbeat = this.#clock.setTimeout(() => {
      const sink = stream.sink;
      if (sink === undefined || sink.closed) return;
      const principal = this.#identify(stream.credential);
      if (!principal || !stillCovers(principal, stream.filter)) {
        this.#end(stream);
        return;
      }
      sink.write(SSE_HEARTBEAT);
      this.#beat(stream);
    }, STREAM_HEARTBEAT_MS);
  }

  #end(stream: OpenStream): void {
    const sink = stream.sink;
    if (sink === undefined || sink.closed) return;
    sink.write(serverSentEvent({ event: 'end', data: 'session_ended' }));
    sink.end();
  }
}

function ownerOf(p: Principal): string {
  return p.actor.accountId ?? `token:${p.actor.name}`;
}

function hash(ticket: string): string {
  return createHash('sha256').update(ticket).digest('base64url');
}
