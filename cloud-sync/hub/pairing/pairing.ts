/**
 * Pairing a new panel without copying files. An unpaired panel asks for a code (no credential: it has
 * none), shows it, and polls; an administrator enters the code with the panel's id and building; the hub
 * provisions the panel exactly as `portvakt-hub provision` does (provisioning/provision-panel.ts), admits
 * its login at the broker where the broker keeps its own logins (Mosquitto's dynamic security), and
 * leaves the kit sealed to the panel's key for its next poll, which takes it once.
 *
 * What an attacker on the network can do is bounded: requests per address and in total (each row is a
 * few hundred bytes and expires), polls per address, claims per administrator (a wrong code answers 404
 * and counts). A code is 40 random bits that live 15 minutes; the poll token and the code are kept only
 * hashed, the kit only sealed (lib/crypto/sealed-box.ts), so neither a stolen poll token nor a copy of
 * the database yields the panel's passwords.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Clock } from '../../../lib/clock/clock.ts';
import { hashPin, randomPin } from '../../../lib/crypto/pin-hash.ts';
import { sealTo } from '../../../lib/crypto/sealed-box.ts';
import { AuthError, NotFoundError, PortvaktError, RateLimitedError } from '../../../lib/errors.ts';
import { secretsEqual } from '../../../lib/http/bearer.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import {
  kitContext,
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  type PairingClaimReply,
  type PairingPollReply,
  type PairingRequestReply,
  type PanelKit,
  pairingClaimBody,
  pairingRequestBody,
} from '../../protocol/pairing.ts';
import { mayAccessBuilding, type Principal } from '../accounts/principal.ts';
import { provisionPanel } from '../provisioning/provision-panel.ts';
import { RateLimit } from '../residents/rate-limit.ts';
import type { SipEdgeAddress } from '../sip/panel-account.ts';
import type { HubStore } from '../store/hub-store.ts';
import { randomPassword } from '../store/passwords.ts';
import { claimDoors } from './claim-doors.ts';
import type { PairingSettings } from './pairing-settings.ts';

/** Admits a paired panel's broker login where the broker keeps its own (Mosquitto's dynamic security). */
export interface PanelAdmission {
  admitPanel(panelId: string, password: string): Promise<void>;
}

export interface PairingDeps {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  settings: PairingSettings;
  hubPublicKey: string;
  /** The broker's CA (PEM text), read at start from settings.brokerCaFile. */
  brokerCaPem?: string | undefined;
  /** Unset: the broker asks the hub's auth backend, which knows the panel from its password hash. */
  admission?: PanelAdmission | undefined;
  /** The SIP edge: a paired panel gets its SIP account (phone fallback) as `provision` gives it. */
  sip?: { edge: SipEdgeAddress; changed(buildingId: string): void } | undefined;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export class Pairing {
  readonly #deps: PairingDeps;
  readonly #requests: RateLimit;
  readonly #polls: RateLimit;
  readonly #claims: RateLimit;
  readonly #log: Logger;

  constructor(deps: PairingDeps) {
    this.#deps = deps;
    const { clock, settings } = deps;
    this.#requests = new RateLimit(clock, settings.requestsPerAddress, 'pairing requests from this address');
    this.#polls = new RateLimit(clock, settings.pollsPerAddress, 'pairing polls from this address');
    this.#claims = new RateLimit(clock, settings.claimsPerAdmin, 'pairing claims');
    this.#log = deps.logger.child({ component: 'pairing' });
  }

  /** A new code for an unpaired panel at `source` (its client address). */
  request(source: string, body: unknown): PairingRequestReply {
    const { store, clock, settings } = this.#deps;
    const input = parseInput(pairingRequestBody, body, 'body');
    this.#requests.take(source);
    const now = clock.now();
    store.pairing.prune(now);
    if (store.pairing.countOpen(now) >= settings.maxOpenRequests)
      throw new RateLimitedError('too many panels are waiting to be paired; try again later', 60_000);
    if (store.pairing.countOpenFrom(source, now) >= settings.maxOpenPerAddress)
      throw new RateLimitedError('too many open pairing requests from this address', 60_000);
    const pollToken = randomPassword();
    const expiresAt = now + settings.codeTtlMs;
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = newCode();
      const id = randomUUID();
      const inserted = store.pairing.insert({
        id,
        codeHash: sha256(code),
        pollTokenHash: sha256(pollToken),
        publicKey: input.publicKey,
        source,
        doors: input.doors,
        software: input.software ?? null,
        createdAt: now,
        expiresAt,
      });
      if (inserted) {
        this.#log.info({ requestId: id, source }, 'pairing requested');
        return { requestId: id, code, pollToken, expiresAt, ttlMs: settings.codeTtlMs };
      }
    }
    throw new PortvaktError('conflict', 'could not draw a free pairing code; try again');
  }

  /** The panel's poll: waiting, or the sealed kit once (the request is then gone). */
  poll(source: string, requestId: string, pollToken: string): PairingPollReply {
    const { store, clock } = this.#deps;
    this.#polls.take(source);
    const now = clock.now();
    const row = store.pairing.get(requestId, now);
    // Unknown, expired and a wrong token look the same: nothing to learn by guessing ids.
    if (!row || !secretsEqual(sha256(pollToken), row.pollTokenHash))
      throw new NotFoundError('no such pairing request (it expired): ask for a new code');
    if (row.kit && row.readyAt !== null) {
      store.pairing.delete(row.id);
      this.#log.info({ requestId: row.id, panelId: row.panelId }, 'pairing kit collected');
      return { state: 'claimed', kit: row.kit };
    }
    return { state: 'waiting', expiresAt: row.expiresAt };
  }

  /** An administrator's claim: provisions the panel and leaves its sealed kit for the next poll. */
  async claim(principal: Principal, body: unknown): Promise<PairingClaimReply> {
    const { store, clock, settings, sip } = this.#deps;
    this.#claims.take(principal.actor.accountId ?? principal.actor.name);
    const input = parseInput(pairingClaimBody, body, 'body');
    const now = clock.now();
    const request = store.pairing.openByCode(sha256(input.code), now);
    if (!request)
      throw new NotFoundError(
        'no panel is waiting with this code: check it on the panel (a code lasts 15 minutes, then the panel shows a new one)',
      );
    // Another building's id answers as if it did not exist, as everywhere in the admin API.
    if (
      !store.entities.find('buildings', input.buildingId) ||
      !mayAccessBuilding(principal, input.buildingId)
    )
      throw new NotFoundError(`no building "${input.buildingId}"`);
    const doors = claimDoors(input.panelId, request.doors, input.doors);
    const reissued = input.reissue === true;
    const kitExpiresAt = now + settings.kitTtlMs;
    // As `provision` does: a generated PIN is shown once (here, in the reply), the panel gets its hash.
    const installerPin = input.installerPin ?? randomPin();
    const installerPinHash = await hashPin(installerPin);
    const { kit, buildingId } = store.transaction(() => {
      // A building administrator pairs panels into their own buildings (checked above): the one way they
      // create a panel, recorded in the change log under their name like every admin change.
      const provisioned = store.entities.withActor(principal.actor, () =>
        provisionPanel(
          store,
          {
            panelId: input.panelId,
            buildingId: input.buildingId,
            name: input.name,
            doors: doors.map(({ id, name }) => ({ id, name })),
            reissue: reissued,
            sip: sip?.edge,
            reissueHint: 'claim the code with "reissue": true',
          },
          now,
        ),
      );
      const kit: PanelKit = {
        panel: {
          id: provisioned.panel.id,
          name: provisioned.panel.name,
          timeZone: provisioned.building.timeZone,
        },
        sync: {
          brokerUrl: settings.brokerUrl,
          username: provisioned.panel.id,
          password: provisioned.brokerPassword,
          hubPublicKey: this.#deps.hubPublicKey,
          mqttVersion: settings.mqttVersion,
          ...(this.#deps.brokerCaPem === undefined ? {} : { caPem: this.#deps.brokerCaPem }),
        },
        installerToken: provisioned.installerToken,
        installerPinHash,
        doors,
        ...(provisioned.phone ? { phone: provisioned.phone } : {}),
      };
      store.pairing.claim(request.id, {
        panelId: provisioned.panel.id,
        kit: sealTo(request.publicKey, Buffer.from(JSON.stringify(kit)), kitContext(request.id)),
        at: now,
        expiresAt: kitExpiresAt,
      });
      store.adminChanges.record({
        at: now,
        actor: principal.actor.name,
        accountId: principal.actor.accountId,
        action: 'pair',
        entity: 'panels',
        entityId: provisioned.panel.id,
        buildingId: provisioned.panel.buildingId,
        detail: { requestId: request.id, source: request.source, reissued, doors: doors.map((d) => d.id) },
      });
      return { kit, buildingId: provisioned.panel.buildingId };
    });
    if (kit.phone) sip?.changed(buildingId);
    await this.#admit(request.id, kit);
    store.pairing.markReady(request.id, clock.now());
    this.#log.info(
      { requestId: request.id, panelId: kit.panel.id, by: principal.actor.name },
      'panel paired',
    );
    return {
      panelId: kit.panel.id,
      buildingId,
      reissued,
      doors,
      kitExpiresAt,
      phoneFallback: kit.phone !== undefined,
      ...(input.installerPin === undefined ? { installerPin } : {}),
    };
  }

  /**
   * The broker learns the login before the panel can collect it. If the broker refuses, the kit is
   * dropped (the panel gets a new code) and the panel's hub record stays: claim again with `reissue`.
   */
  async #admit(requestId: string, kit: PanelKit): Promise<void> {
    const admission = this.#deps.admission;
    if (!admission) return;
    try {
      await admission.admitPanel(kit.panel.id, kit.sync.password);
    } catch (err) {
      this.#deps.store.pairing.delete(requestId);
      throw new PortvaktError(
        'unavailable',
        `the broker did not admit the panel's login (${err instanceof Error ? err.message : String(err)}); ` +
          'the panel will show a new code: claim it with "reissue": true',
      );
    }
  }
}

/** Checks a poll's bearer token (AuthError when absent: a 401 tells the panel to send one). */
export function pollTokenOf(header: string | undefined): string {
  if (!header?.startsWith('Bearer '))
    throw new AuthError('missing poll token (Authorization: Bearer <pollToken>)');
  return header.slice(7);
}

function newCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[randomInt(32)];
  return code;
}
