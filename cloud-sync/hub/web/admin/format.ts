/** How WebAdmin writes times and panel outcomes. */
import type { ConfigOutcomeView } from '../../../protocol/admin-panels.ts';

/** A local date and time, to the second. */
export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** "12 s ago", "5 min ago", … for live status. */
export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return dateTime(ms);
}

/**
 * What a waited change means for the panels, in one sentence: where it is in force, and where not yet
 * (offline panels get it when they reconnect; a panel behind has not confirmed within the wait).
 */
export function outcomeText(config: ConfigOutcomeView): string {
  if (config.versions.length === 0) return 'No panel holds this (nothing to apply).';
  const applied = config.applied ?? [];
  const parts: string[] = [];
  if (applied.length) parts.push(`applied on ${applied.map((p) => p.panelId).join(', ')}`);
  for (const p of config.notApplied ?? [])
    parts.push(
      p.reason === 'offline'
        ? `${p.panelId} is offline (gets it when it reconnects)`
        : `${p.panelId} has not confirmed yet (it holds version ${p.reportedVersion ?? '—'})`,
    );
  if (parts.length === 0) return `Published to ${config.versions.map((v) => v.panelId).join(', ')}.`;
  const text = parts.join('; ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}
