/**
 * The pairing section's slot. Until the pairing view (`./pairing-view.ts`, wt-pairing's) is on this
 * branch, it shows what the self-test knows: no sync section (not paired), or paired and whether the
 * broker is connected. To mount the pairing view, replace this function's body with:
 *
 *   import { localPairingApi, renderPairingView } from './pairing-view.ts';
 *   renderPairingView(slot, localPairingApi);
 */
import type { SelfTestReply } from '../../../cloud-sync/protocol/installer-api.ts';
import { h } from '../dom.ts';
import type { InstallerTexts } from './context.ts';

export function mountPairing(slot: HTMLElement, t: InstallerTexts, facts: SelfTestReply): void {
  const { broker } = facts.network;
  const text = !broker.configured
    ? t.pairing.notPaired
    : broker.connected
      ? t.pairing.paired
      : t.pairing.pairedOffline;
  slot.replaceChildren(h('p', { testid: 'pairing-state', 'data-paired': String(broker.configured) }, text));
}
