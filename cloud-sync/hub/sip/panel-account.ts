/**
 * A panel's SIP account at the edge: username = panel id, a random password shown once (in the
 * `intercom.phone` section of the panel.yaml provisioning prints, or the one reply of a rotation), and
 * only its digest ha1 kept — at the hub (store/sip-credentials.ts) and in the edge database. Issuing a new
 * password replaces the old one: the panel's old password stops working at the edge's next read.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PanelPhoneSection } from '../../protocol/admin-panels.ts';
import type { HubStore } from '../store/hub-store.ts';

export type { PanelPhoneSection } from '../../protocol/admin-panels.ts';

/** Where the panel reaches the edge (the hub's `sip` settings, or the provision command's flags). */
export interface SipEdgeAddress {
  edgeUrl: string;
  domain: string;
  caFile?: string | undefined;
}

/** 256 random bits, 43 characters of base64url: safe in YAML, SIP digest and any shell quoting. */
export function newSipPassword(): string {
  return randomBytes(32).toString('base64url');
}

/** RFC 2617 HA1 = MD5(username:realm:password), as Kamailio's auth_db compares it (calculate_ha1 = 0). */
export function digestHa1(username: string, domain: string, password: string): string {
  return createHash('md5').update(`${username}:${domain}:${password}`).digest('hex');
}

/**
 * Gives the panel a new SIP password and stores its ha1 (in the caller's transaction, if any); returns
 * the panel.yaml section with the password, the only place it ever appears.
 */
export function issuePanelSipAccount(
  store: HubStore,
  panelId: string,
  edge: SipEdgeAddress,
  now: number,
): PanelPhoneSection {
  const password = newSipPassword();
  store.sip.set({ panelId, domain: edge.domain, ha1: digestHa1(panelId, edge.domain, password) }, now);
  return {
    edgeUrl: edge.edgeUrl,
    domain: edge.domain,
    username: panelId,
    password,
    ...(edge.caFile === undefined ? {} : { ca: edge.caFile }),
  };
}
