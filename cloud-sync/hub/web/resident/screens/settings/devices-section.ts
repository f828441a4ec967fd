/**
 * The app devices the resident is logged in on. Logging one out (a lost phone) ends its session and its
 * broker access at once, and the panels stop ringing it.
 */
import type { SelfDevice } from '../../../../../protocol/resident-self-service.ts';
import type { ResidentApi } from '../../api.ts';
import { h } from '../../dom.ts';
import { busy, feedback } from './form.ts';

export function devicesSection(
  api: ResidentApi,
  onLoggedOutHere: () => void,
): { el: HTMLElement; refresh(): Promise<void> } {
  const list = h('ul', { class: 'devices', testid: 'device-list' });
  const result = feedback('devices-result');
  const item = (d: SelfDevice): HTMLElement => {
    const out = h('button', { type: 'button', testid: 'device-logout' }, 'Log out');
    out.addEventListener('click', () => {
      void busy(out, async () => {
        try {
          await api.logOutDevice(d.id);
          if (d.current) onLoggedOutHere();
          else {
            result.ok(`${d.name} is logged out.`);
            await refresh();
          }
        } catch (err) {
          result.fail(err);
        }
      });
    });
    const seen = d.lastSeenAt === null ? '' : ` · last seen ${new Date(d.lastSeenAt).toLocaleString()}`;
    return h(
      'li',
      { testid: 'device', 'data-device-id': d.id },
      h('span', { class: 'name' }, d.current ? `${d.name} (this device)` : d.name),
      h('span', { class: 'muted' }, `${d.loggedIn ? 'logged in' : 'logged out'}${seen}`),
      out,
    );
  };
  const refresh = async () => {
    try {
      list.replaceChildren(...(await api.devices()).map(item));
    } catch (err) {
      result.fail(err);
    }
  };
  const el = h(
    'section',
    { class: 'card', testid: 'devices', 'aria-labelledby': 'devices-title' },
    h('h2', { id: 'devices-title' }, 'Devices'),
    list,
    result.el,
  );
  return { el, refresh };
}
