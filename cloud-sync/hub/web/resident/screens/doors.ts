/**
 * The doors the resident may open, grouped by building and panel, each with an Open button. Opening
 * sends a signed command through the hub; the result is polled until the panel answers.
 */
import type { ResidentDoor } from '../../../../protocol/resident-api.ts';
import { ApiError, type ResidentApi } from '../api.ts';
import { h } from '../dom.ts';

const POLL_MS = 400;

export function doorsSection(api: ResidentApi): { el: HTMLElement; refresh(): Promise<void> } {
  const list = h('div', { testid: 'door-list', 'aria-busy': 'true' }, 'Loading doors…');
  const el = h(
    'section',
    { class: 'card', 'aria-labelledby': 'doors-title' },
    h('h2', { id: 'doors-title' }, 'Doors'),
    list,
  );
  const refresh = async () => {
    try {
      render(list, api, await api.doors());
    } catch (err) {
      list.replaceChildren(
        h('p', { class: 'error', role: 'alert' }, `Doors could not be loaded: ${message(err)}`),
      );
    }
    list.setAttribute('aria-busy', 'false');
  };
  return { el, refresh };
}

function render(list: HTMLElement, api: ResidentApi, doors: ResidentDoor[]): void {
  if (doors.length === 0) {
    list.replaceChildren(h('p', {}, 'You cannot open any door remotely.'));
    return;
  }
  const groups = new Map<string, ResidentDoor[]>();
  for (const door of doors) {
    const key = `${door.buildingName} · ${door.panelName}`;
    groups.set(key, [...(groups.get(key) ?? []), door]);
  }
  list.replaceChildren(
    ...[...groups].map(([title, group]) =>
      h(
        'div',
        { class: 'door-group', testid: 'door-group', 'data-panel-id': group[0]!.panelId },
        h('h3', {}, title),
        h('ul', { class: 'doors' }, ...group.map((door) => doorItem(api, door))),
      ),
    ),
  );
}

function doorItem(api: ResidentApi, door: ResidentDoor): HTMLElement {
  const result = h('span', { class: 'result', role: 'status', 'aria-live': 'polite', testid: 'door-result' });
  const button = h(
    'button',
    {
      type: 'button',
      testid: 'door-open',
      disabled: !door.allowedNow,
      'aria-describedby': `door-${door.doorId}-name`,
    },
    'Open',
  );
  if (!door.allowedNow) result.textContent = door.reason ?? 'Not allowed now';
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.textContent = 'Sending…';
    result.className = 'result';
    try {
      const sent = await api.open(door.doorId);
      result.textContent = 'Waiting for the door…';
      const outcome = await waitForResult(api, sent.nonce, sent.expiresAt);
      result.textContent = outcome.text;
      result.classList.add(outcome.ok ? 'ok' : 'bad');
    } catch (err) {
      result.textContent = message(err);
      result.classList.add('bad');
    }
    button.disabled = false;
  });
  return h(
    'li',
    { testid: 'door', 'data-door-id': door.doorId },
    h('span', { class: 'name', id: `door-${door.doorId}-name` }, door.doorName),
    button,
    result,
  );
}

async function waitForResult(
  api: ResidentApi,
  nonce: string,
  expiresAt: number,
): Promise<{ ok: boolean; text: string }> {
  // The hub's clock decides expiry; a little slack covers clock differences with this phone.
  const giveUp = Date.now() + Math.max(5000, Math.min(60_000, expiresAt - Date.now() + 5000));
  while (Date.now() < giveUp) {
    const c = await api.command(nonce);
    if (c.status === 'done') return { ok: true, text: 'Opened' };
    if (c.status === 'refused') return { ok: false, text: `Refused${c.reason ? `: ${c.reason}` : ''}` };
    if (c.status === 'failed') return { ok: false, text: `Failed${c.reason ? `: ${c.reason}` : ''}` };
    if (c.status === 'expired') break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { ok: false, text: 'No answer from the door (is the panel offline?)' };
}

function message(err: unknown): string {
  if (err instanceof ApiError && err.status === 403) return 'Not allowed';
  return err instanceof Error ? err.message : String(err);
}
