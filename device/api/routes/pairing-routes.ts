/**
 * The screen's view of pairing (device/pairing/): the state and the code, and the code's QR drawn here
 * (the page is browser code without a QR library, and the kiosk has no network beyond this API). The
 * code is no secret from the screen's viewer: it is shown there for an administrator to enter.
 */

import { PANEL_PAIRING_PATH, PANEL_PAIRING_QR_PATH } from '../../../cloud-sync/protocol/pairing.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import type { Router } from '../../../lib/http/router.ts';
import type { PairingView } from '../../pairing/pairing-module.ts';

export function addPairingRoutes(router: Router, pairing: PairingView): void {
  router
    .add('GET', PANEL_PAIRING_PATH, () => ({ status: 200, body: pairing.status() }))
    .add('GET', PANEL_PAIRING_QR_PATH, async () => {
      const svg = await pairing.qrSvg();
      if (svg === undefined) throw new NotFoundError('no pairing code to show (see GET /api/v1/pairing)');
      return {
        status: 200,
        body: svg,
        headers: { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' },
      };
    });
}
