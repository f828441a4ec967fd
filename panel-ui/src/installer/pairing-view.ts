/**
 * The pairing section: the code an administrator enters at the hub (large, in two groups), its QR, how
 * long it lasts, and what is wrong when the hub cannot be reached. Rendered into a container given a small
 * API client, so the installer page (panel-ui/installer.html) and the unpaired panel's page
 * (pairing.html) show the same thing. It refreshes itself every 2 s while mounted; the text comes as a
 * parameter (English by default) so a page can pass its catalogue's strings.
 */
import type { PanelPairingStatus } from '../../../cloud-sync/protocol/pairing.ts';

/** What the view needs of the panel's local API. */
export interface PairingApi {
  status(): Promise<PanelPairingStatus>;
  /** The QR image of `code` (the panel draws it). */
  qrUrl(code: string): string;
}

/** The panel's own API, as both pages reach it. */
export const localPairingApi: PairingApi = {
  status: async () => {
    const response = await fetch('/api/v1/pairing', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`the panel answered ${response.status}`);
    return (await response.json()) as PanelPairingStatus;
  },
  qrUrl: (code) => `/api/v1/pairing/qr.svg?code=${encodeURIComponent(code)}`,
};

export interface PairingText {
  heading: string;
  /** Before the hub's address. */
  enterAt: string;
  waitingForCode: string;
  paired: string;
  notPairable: string;
  /** `{minutes}` is replaced. */
  validFor: string;
  hubUnreachable: string;
  qrLabel: string;
}

export const PAIRING_TEXT_EN: PairingText = {
  heading: 'Pair this panel with the hub',
  enterAt: 'An administrator enters this code in WebAdmin (Panels → Pair a panel) at',
  waitingForCode: 'Asking the hub for a pairing code…',
  paired: 'This panel is paired with the hub.',
  notPairable: 'This panel has no hub address to pair with (pairing.hubUrl in its config).',
  validFor: 'The code is valid for {minutes} more minutes; then a new one appears.',
  hubUnreachable: 'The hub cannot be reached right now; retrying.',
  qrLabel: 'QR code: WebAdmin with this code filled in',
};

export interface PairingViewOptions {
  text?: PairingText;
  /** Called once when the panel reports it is paired (the pairing page then goes to the visitor page). */
  onPaired?: () => void;
  refreshMs?: number;
}

export function renderPairingView(
  container: HTMLElement,
  api: PairingApi,
  options: PairingViewOptions = {},
): { stop(): void } {
  const text = options.text ?? PAIRING_TEXT_EN;
  const section = el('section', 'pairing');
  section.dataset['testid'] = 'pairing';
  section.setAttribute('aria-labelledby', 'pairing-heading');
  const heading = el('h2', 'pairing-heading', text.heading);
  heading.id = 'pairing-heading';
  const code = el('p', 'pairing-code');
  code.dataset['testid'] = 'pairing-code';
  const where = el('p', 'pairing-where');
  const qr = document.createElement('img');
  qr.className = 'pairing-qr';
  qr.alt = text.qrLabel;
  qr.width = 240;
  qr.height = 240;
  qr.hidden = true;
  const note = el('p', 'pairing-note');
  note.setAttribute('role', 'status');
  note.dataset['testid'] = 'pairing-status';
  section.append(heading, code, where, qr, note);
  container.replaceChildren(section);

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let told = false;
  const show = (status: PanelPairingStatus | undefined) => {
    section.dataset['state'] = status?.state ?? 'error';
    code.textContent = status?.code ?? '';
    code.hidden = status?.code === undefined;
    where.textContent = status?.code && status.hub ? `${text.enterAt} ${status.hub}/admin/` : '';
    if (status?.code) {
      const src = api.qrUrl(status.code);
      if (qr.getAttribute('src') !== src) qr.src = src;
      qr.hidden = false;
    } else qr.hidden = true;
    note.textContent = noteFor(status, text);
    if (status?.state === 'paired' && !told) {
      told = true;
      options.onPaired?.();
    }
  };
  const refresh = async () => {
    let status: PanelPairingStatus | undefined;
    try {
      status = await api.status();
    } catch {
      // The panel restarts when it pairs: a moment without an answer is expected.
      status = undefined;
    }
    if (stopped) return;
    show(status);
    timer = setTimeout(() => void refresh(), options.refreshMs ?? 2000);
  };
  void refresh();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

function noteFor(status: PanelPairingStatus | undefined, text: PairingText): string {
  if (!status) return text.hubUnreachable;
  if (status.state === 'paired') return text.paired;
  if (status.error) return text.hubUnreachable;
  if (status.state === 'waiting' && status.expiresAt !== undefined) {
    const minutes = Math.max(1, Math.round((status.expiresAt - Date.now()) / 60_000));
    return text.validFor.replace('{minutes}', String(minutes));
  }
  if (status.state === 'unpaired' && !status.hub) return text.notPairable;
  return text.waitingForCode;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, content?: string) {
  const node = document.createElement(tag);
  node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}
