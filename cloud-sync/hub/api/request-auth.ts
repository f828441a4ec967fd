/**
 * Authentication of admin API requests: the operator token (scripts, the CLI, the first setup) or an
 * administrator's session token (WebAdmin). Each authenticated request gets its principal, which the
 * routes read back with `principalOf`; requests are keyed weakly, so nothing outlives its request.
 */
import type { IncomingMessage } from 'node:http';
import { AuthError } from '../../../lib/errors.ts';
import { bearerToken, secretsEqual } from '../../../lib/http/bearer.ts';
import type { AdminLogins } from '../accounts/admin-login.ts';
import { OPERATOR_TOKEN, type Principal, principalOfIdentity } from '../accounts/principal.ts';

export class RequestAuth {
  readonly #operatorToken: string;
  readonly #logins: AdminLogins;
  readonly #principals = new WeakMap<IncomingMessage, Principal>();

  constructor(operatorToken: string, logins: AdminLogins) {
    this.#operatorToken = operatorToken;
    this.#logins = logins;
  }

  /** Refuses (401) a request with neither credential; records the principal of one that has one. */
  authenticate(req: IncomingMessage): void {
    const principal = this.identify(bearerToken(req));
    if (!principal)
      throw new AuthError(
        'missing, wrong or expired credential (Authorization: Bearer <admin token or session token>)',
      );
    this.#principals.set(req, principal);
  }

  /**
   * The principal of a credential now, or undefined. `touch: false` for checks that are not use (a
   * live event stream checking its session still exists must not keep it from going idle).
   */
  identify(token: string, options: { touch?: boolean } = {}): Principal | undefined {
    if (token === '') return undefined;
    if (secretsEqual(token, this.#operatorToken)) return OPERATOR_TOKEN;
    const identity = this.#logins.authenticate(token, options);
    return identity ? principalOfIdentity(identity) : undefined;
  }

  principalOf(req: IncomingMessage): Principal {
    const principal = this.#principals.get(req);
    if (!principal) throw new AuthError('not authenticated');
    return principal;
  }
}
