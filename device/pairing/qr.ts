/**
 * The pairing code as a QR code, drawn on the panel (SVG): the link to WebAdmin's pairing form with the
 * code filled in, so an administrator standing at the door can scan it rather than type it. Made once per
 * code (the screen asks again only when the code changes).
 */
import QRCode from 'qrcode';
import { pairingLink } from '../../cloud-sync/protocol/pairing.ts';

export class PairingQr {
  #code: string | undefined;
  #svg: Promise<string> | undefined;

  /** The SVG for `code` at the hub `hubUrl`. */
  svg(hubUrl: string, code: string): Promise<string> {
    if (code !== this.#code || !this.#svg) {
      this.#code = code;
      // M: survives a smudged or glaring screen; quiet zone of 4 modules, as readers expect.
      this.#svg = QRCode.toString(pairingLink(hubUrl, code), {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 4,
      });
    }
    return this.#svg;
  }
}
