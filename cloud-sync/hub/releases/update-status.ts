/**
 * A panel's update status from its update.* events (stored in order by the event consumer): each moves
 * the panel's row on, if it is about the release the row names — an event of an older request, resent
 * late, never overwrites a newer one.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import type { PanelUpdateView } from '../../protocol/admin-releases.ts';
import type { EventsMessage } from '../../protocol/messages.ts';
import type { HubStore } from '../store/hub-store.ts';

type AuditEvent = EventsMessage['events'][number];

const TEXT_MAX = 200;

export function applyUpdateEvents(
  store: HubStore,
  clock: Clock,
  panelId: string,
  events: readonly AuditEvent[],
): void {
  for (const event of events) {
    if (!event.type.startsWith('update.')) continue;
    const current = store.releases.panelUpdate(panelId);
    const data = event.data;
    const releaseId = text(data['releaseId']);
    if (!current || releaseId !== current.releaseId) continue;
    const next = nextState(event.type, data);
    if (!next) continue;
    store.releases.setPanelUpdate(panelId, {
      ...current,
      ...next,
      updatedAt: clock.now(),
    });
  }
}

function nextState(
  type: string,
  data: Record<string, unknown>,
): Pick<PanelUpdateView, 'state' | 'percent' | 'reason' | 'detail'> | undefined {
  const none = { percent: null, reason: null, detail: null };
  switch (type) {
    case 'update.started':
      return { state: 'started', ...none };
    case 'update.progress': {
      const phase = data['phase'];
      if (phase !== 'downloading' && phase !== 'verifying' && phase !== 'installing' && phase !== 'rebooting')
        return undefined;
      const percent =
        typeof data['percent'] === 'number' ? Math.max(0, Math.min(100, Math.round(data['percent']))) : null;
      return { state: phase, percent, reason: null, detail: null };
    }
    case 'update.installed':
      return { state: 'installed', ...none };
    case 'update.failed':
      return {
        state: 'failed',
        percent: null,
        reason: text(data['reason']) ?? null,
        detail: text(data['detail']) ?? null,
      };
    case 'update.confirmed':
      return { state: 'confirmed', ...none };
    case 'update.rolled_back':
      return {
        state: 'rolled_back',
        percent: null,
        reason: null,
        detail: `running ${text(data['runningVersion']) ?? 'unknown'} on slot ${text(data['slot']) ?? '?'}`,
      };
    default:
      return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, TEXT_MAX) : undefined;
}
