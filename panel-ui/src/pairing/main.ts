/**
 * The unpaired panel's page (pairing.html): the panel has no directory and no installer PIN yet, so the
 * screen says so and shows the pairing code. The panel's API sends the visitor page's address here while
 * it is unpaired; once the panel reports it is paired (it restarts with its kit), the page goes to the
 * visitor page.
 */
import { localPairingApi, renderPairingView } from '../installer/pairing-view.ts';

const container = document.getElementById('pairing-container');
if (container) {
  renderPairingView(container, localPairingApi, {
    onPaired: () => {
      // The restarted panel serves the directory; give it a moment to come up.
      setTimeout(() => window.location.assign('/panel/'), 1500);
    },
  });
}
document.body.dataset['screen'] = 'pairing';
