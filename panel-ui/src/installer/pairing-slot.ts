/**
 * The pairing section's slot: what the self-test knows (no sync section: not paired; or paired, and
 * whether the broker is connected), then the pairing view (./pairing-view.ts): the code and its QR while
 * the panel waits to be claimed, in the page's language.
 */
import type { SelfTestReply } from '../../../cloud-sync/protocol/installer-api.ts';
import { h } from '../dom.ts';
import type { InstallerTexts } from './context.ts';
import { localPairingApi, renderPairingView } from './pairing-view.ts';

export function mountPairing(slot: HTMLElement, t: InstallerTexts, facts: SelfTestReply): void {
  const { broker } = facts.network;
  const text = !broker.configured
    ? t.pairing.notPaired
    : broker.connected
      ? t.pairing.paired
      : t.pairing.pairedOffline;
  const view = h('div', { testid: 'pairing-view' });
  slot.replaceChildren(
    h('p', { testid: 'pairing-state', 'data-paired': String(broker.configured) }, text),
    view,
  );
  renderPairingView(view, localPairingApi, { text: t.pairing.view });
}
