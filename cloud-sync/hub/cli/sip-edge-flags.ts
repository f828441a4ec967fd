/**
 * The SIP edge as the commands that issue panel SIP accounts (`provision`, `sip rotate`) take it: the same
 * settings `serve` has (`sip` in settings.ts), from flags or the same environment variables, checked by
 * the same schemas. Without an edge URL and domain no account is issued (no phone fallback).
 *
 * The hub keeps the edge database in step by itself (it notices the CLI's changes within its recompile
 * interval, and rewrites the edge at start); with `--sip-edge-db` the command also writes it at once.
 */
import { errorMessage, ValidationError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { sipDomainSchema, sipEdgeUrlSchema } from '../settings.ts';
import type { SipEdgeAddress } from '../sip/panel-account.ts';
import type { HubStore } from '../store/hub-store.ts';
import { EdgeDb } from '../store/sip-edge-db.ts';
import { type CliIo, type Options, optional } from './common.ts';

export const SIP_EDGE_OPTIONS = {
  'sip-edge-url': { type: 'string' },
  'sip-domain': { type: 'string' },
  'sip-ca': { type: 'string' },
  'sip-edge-db': { type: 'string' },
} as const satisfies Options;

export const SIP_EDGE_HELP = `  --sip-edge-url URL the SIP edge's WebSocket URL as the panel reaches it, e.g. wss://sip.example:8443
                     (env PORTVAKT_HUB_SIP_EDGE_URL); with --sip-domain: a SIP account for the phone fallback
  --sip-domain D     the SIP domain (digest realm) at the edge (env PORTVAKT_HUB_SIP_DOMAIN)
  --sip-ca FILE      path, on the panel, of the PEM CA of the edge's TLS certificate (env PORTVAKT_HUB_SIP_CA)
  --sip-edge-db FILE also write the edge's database now (env PORTVAKT_HUB_SIP_EDGE_DB; the running hub
                     writes it within its recompile interval anyway, and at start)`;

export interface SipEdgeFlags {
  /** Undefined: no SIP edge given, no account. */
  address: SipEdgeAddress | undefined;
  edgeDb: string | undefined;
}

export function sipEdgeFlags(values: Record<string, unknown>, io: CliIo): SipEdgeFlags {
  const pick = (flag: string, env: string) => optional(values, flag) ?? (io.env[env] || undefined);
  const edgeUrl = pick('sip-edge-url', 'PORTVAKT_HUB_SIP_EDGE_URL');
  const domain = pick('sip-domain', 'PORTVAKT_HUB_SIP_DOMAIN');
  const caFile = pick('sip-ca', 'PORTVAKT_HUB_SIP_CA');
  const edgeDb = pick('sip-edge-db', 'PORTVAKT_HUB_SIP_EDGE_DB');
  if (edgeUrl === undefined && domain === undefined) {
    if (caFile !== undefined) throw new ValidationError('--sip-ca needs --sip-edge-url and --sip-domain');
    return { address: undefined, edgeDb };
  }
  if (edgeUrl === undefined || domain === undefined)
    throw new ValidationError(
      '--sip-edge-url and --sip-domain go together (the SIP edge of the phone fallback)',
    );
  const url = sipEdgeUrlSchema.safeParse(edgeUrl);
  if (!url.success) throw new ValidationError(`--sip-edge-url: ${url.error.issues[0]?.message}`);
  const realm = sipDomainSchema.safeParse(domain);
  if (!realm.success) throw new ValidationError(`--sip-domain: ${realm.error.issues[0]?.message}`);
  return { address: { edgeUrl, domain, caFile }, edgeDb };
}

/**
 * Writes the building's edge rows (and drops removed panels') into the edge database now. A failure is
 * only reported: the hub's own sync writes the same rows.
 */
export function writeEdgeNow(store: HubStore, edgeDb: string, buildingId: string, io: CliIo): void {
  let edge: EdgeDb | undefined;
  try {
    edge = new EdgeDb(edgeDb, silentLogger);
    edge.writeBuilding(store.sip.edgeRows(buildingId));
    edge.removePanelsExcept(store.sip.panelIds());
  } catch (err) {
    io.err(
      `warning: could not write the SIP edge database ${edgeDb} (${errorMessage(err)}); the running hub writes it\n`,
    );
  } finally {
    edge?.close();
  }
}
