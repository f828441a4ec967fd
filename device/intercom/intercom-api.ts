/**
 * The intercom as the local API sees it (absent on a panel without the intercom). The intercom defines
 * it and the API layer imports it, so nothing in the intercom depends on HTTP; its replies are the
 * protocol's panel API views, the ones the panel page reads.
 */
import type { CallState, DirectoryReply } from '../../cloud-sync/protocol/panel-api.ts';
import type { RingResult } from './call-router.ts';

export interface IntercomApi {
  /** The directory with the site it stands at (building, entrance, default language). */
  directory(): DirectoryReply;
  /** Throws NotFoundError for an unknown bell. Waits for the intercom if it is still starting. */
  ring(bellId: string): Promise<RingResult>;
  call(): CallState;
  /**
   * Calls `listener` with the call state at every change (ringing, the phone leg, connected, the door
   * opened, idle with how it ended), so the screen need not poll; returns the unsubscribe.
   */
  onCall(listener: (state: CallState) => void): () => void;
  hangUp(callId: string): boolean;
  /** Media engine figures (peers, packets, what reached the speaker), for the simulator and tests. */
  mediaStats(): Promise<unknown>;
}
