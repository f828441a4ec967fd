/**
 * Invites to the resident app. An administrator's invite replaces any older one and is valid for a
 * week; redeeming it sets the password the resident chose (ending the sessions of the old one, as a
 * reset does) and logs them in. Redeeming is rate-limited per client address like logins, and every
 * refused code counts toward the address's backoff; a code is deleted on its first use whatever the
 * outcome, so it can never be tried twice.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../lib/clock/clock.ts';
import { AuthError, PortvaktError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { ResidentLoginReply } from '../../protocol/resident-api.ts';
import {
  INVITE_LINK_PREFIX,
  INVITE_TTL_MS,
  type InviteRedeemBody,
  type ResidentInviteReply,
} from '../../protocol/resident-invite.ts';
import type { HubStore } from '../store/hub-store.ts';
import { hashPassword } from '../store/passwords.ts';
import type { ResidentAccounts } from './accounts.ts';
import { LoginLimiter } from './login-limiter.ts';
import { DEFAULT_RESIDENT_RATE_LIMITS, RateLimit } from './rate-limit.ts';

/**
 * The limiter keys on an account and an address; an invite attempt names no account, and one shared key
 * would let anybody's failures lock every resident out of redeeming: the address stands for both.
 */
const attemptKey = (address: string) => `invite:${address}`;

export class ResidentInvites {
  readonly #store: HubStore;
  readonly #clock: Clock;
  readonly #residents: ResidentAccounts;
  readonly #logger: Logger;
  readonly #rate: RateLimit;
  readonly #limiter: LoginLimiter;

  constructor(o: { store: HubStore; clock: Clock; residents: ResidentAccounts; logger: Logger }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#residents = o.residents;
    this.#logger = o.logger.child({ component: 'resident-invites' });
    this.#rate = new RateLimit(o.clock, DEFAULT_RESIDENT_RATE_LIMITS.loginsPerAddress, 'invite attempts');
    this.#limiter = new LoginLimiter(o.clock);
  }

  /** A new invite for an active resident; the code is returned this once. */
  invite(residentId: string): ResidentInviteReply {
    const resident = this.#store.entities.get('residents', residentId);
    if (resident.status !== 'active')
      throw new PortvaktError('conflict', `resident "${residentId}" is not active`);
    const code = randomBytes(32).toString('base64url');
    const now = this.#clock.now();
    const expiresAt = now + INVITE_TTL_MS;
    this.#store.invites.put(residentId, code, now, expiresAt);
    this.#logger.info({ residentId, expiresAt }, 'resident invited');
    return { residentId, code, link: `${INVITE_LINK_PREFIX}${code}`, expiresAt };
  }

  /** Sets the chosen password and logs in; `address` as for logins (client-address.ts). */
  async redeem(input: InviteRedeemBody, address: string): Promise<ResidentLoginReply> {
    this.#rate.take(address);
    this.#limiter.check(attemptKey(address), address);
    const now = this.#clock.now();
    const found = this.#store.invites.take(input.code, now);
    if (found.state === 'unknown') {
      this.#limiter.failed(attemptKey(address), address);
      this.#logger.warn({ address }, 'unknown invite code');
      throw new AuthError('unknown or already used invite code: ask your administrator for a new invite');
    }
    if (found.state === 'expired') {
      this.#logger.warn({ residentId: found.residentId, address }, 'expired invite code');
      throw new PortvaktError(
        'invite_expired',
        'this invite has expired: ask your administrator for a new one',
      );
    }
    const resident = this.#store.entities.find('residents', found.residentId);
    if (resident?.status !== 'active')
      throw new AuthError('unknown or already used invite code: ask your administrator for a new invite');
    this.#limiter.succeeded(attemptKey(address), address);
    this.#store.sessions.setLoginHash(found.residentId, hashPassword(input.password), now);
    await this.#residents.revocations.drain();
    this.#logger.info({ residentId: found.residentId }, 'resident invite redeemed');
    return this.#residents.login(
      {
        residentId: found.residentId,
        password: input.password,
        deviceName: input.deviceName,
        ...(input.appDeviceId === undefined ? {} : { appDeviceId: input.appDeviceId }),
      },
      address,
    );
  }
}
