/**
 * Ends app devices' broker connections and forgets their broker credentials. The hub's own auth backend
 * (ResidentAccounts.brokerLogin / brokerMayAccess) refuses an ended session at once; a revoker is what
 * cuts a connection that is already open, on a broker that keeps its own state (the embedded broker,
 * Mosquitto's dynamic security). The revocation queue calls it with the app device ids of every ended
 * session and retries until it resolves, so an implementation must be idempotent (revoking an id that
 * is unknown or already revoked succeeds) and must reject when the broker did not confirm.
 */
import type { Logger } from '../../../lib/log/logger.ts';

export interface AppDeviceRevoker {
  revoke(appDeviceIds: readonly string[]): Promise<void>;
}

/**
 * The default when no broker integration is configured: there is nothing to tell, because the broker
 * asks the hub at every connect and subscribe/publish (HTTP auth backend), which refuses ended sessions.
 * It logs each revocation, so an operator can see what a configured revoker would have been asked.
 */
export class LoggingAppDeviceRevoker implements AppDeviceRevoker {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger.child({ component: 'app-device-revoker' });
  }

  revoke(appDeviceIds: readonly string[]): Promise<void> {
    this.#logger.info(
      { appDeviceIds },
      'app device sessions ended (no broker revoker configured: the auth backend refuses them)',
    );
    return Promise.resolve();
  }
}
