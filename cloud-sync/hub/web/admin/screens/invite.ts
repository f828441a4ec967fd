/**
 * Inviting a resident to the resident app: the hub issues a one-time code (stored only hashed, expiring,
 * replaced by a newer invite) and a link to the app that redeems it; WebAdmin shows both once, with copy
 * buttons, for the administrator to pass on. Leaving or reloading the screen forgets them.
 */
import { MoreApi } from '../api-more.ts';
import { button, h, replace } from '../dom.ts';
import { dateTime } from '../format.ts';
import { busy, errorText, field, select } from '../forms.ts';
import type { Screen } from '../nav.ts';

/** A copy button for `text`; where the clipboard is unavailable (plain http), it selects the text instead. */
function copyButton(label: string, text: string, target: HTMLElement, testid: string): HTMLButtonElement {
  const b: HTMLButtonElement = button(
    label,
    () =>
      void (async () => {
        try {
          await navigator.clipboard.writeText(text);
          b.textContent = 'Copied';
        } catch {
          const range = document.createRange();
          range.selectNodeContents(target);
          getSelection()?.removeAllRanges();
          getSelection()?.addRange(range);
          b.textContent = 'Selected: press Ctrl+C';
        }
      })(),
    { class: 'quiet', testid },
  );
  return b;
}

export const inviteScreen: Screen = {
  id: 'invite',
  title: 'Invite a resident',
  render: async (ctx) => {
    const more = new MoreApi(ctx.api);
    const buildingId = ctx.building!.id;
    const [units, residents] = await Promise.all([
      ctx.api.list('units', { buildingId }),
      ctx.api.list('residents', { status: 'active' }),
    ]);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const here = residents.filter((r) => unitName.has(r.unitId));
    if (here.length === 0)
      return h('p', { class: 'empty' }, 'No active residents: add one under Units & residents.');
    const picker = select(
      'resident',
      here.map((r) => [r.id, `${r.name} (${unitName.get(r.unitId)})`] as const),
      ctx.params['resident'],
      { testid: 'invite-resident' },
    );
    const once = h('div', { class: 'once', testid: 'invite-once', hidden: true });
    const out = h('p', { class: 'result', role: 'status', testid: 'invite-result' });
    const issue: HTMLButtonElement = button(
      'Create invite',
      () =>
        void busy(issue, async () => {
          out.className = 'result';
          out.textContent = '';
          try {
            const resident = here.find((r) => r.id === picker.value)!;
            const invite = await more.invite(resident.id);
            const link = new URL(invite.link, location.origin).href;
            const code = h('code', { testid: 'invite-code' }, invite.code);
            const linkText = h('code', { testid: 'invite-link' }, link);
            replace(
              once,
              h('strong', {}, `Invite for ${resident.name}`),
              h(
                'p',
                {},
                `Shown only now. It works once, until ${dateTime(invite.expiresAt)}; a newer invite replaces it.`,
              ),
              h(
                'dl',
                { class: 'facts' },
                h('dt', {}, 'Code'),
                h(
                  'dd',
                  { class: 'row' },
                  code,
                  copyButton('Copy code', invite.code, code, 'invite-copy-code'),
                ),
                h('dt', {}, 'Link'),
                h(
                  'dd',
                  { class: 'row' },
                  linkText,
                  copyButton('Copy link', link, linkText, 'invite-copy-link'),
                ),
              ),
            );
            once.hidden = false;
          } catch (err) {
            out.className = 'result bad';
            out.textContent = errorText(err);
          }
        }),
      { class: 'primary', testid: 'invite-create' },
    );
    // Another resident picked: the invite shown belongs to the previous one.
    picker.addEventListener('change', () => {
      once.hidden = true;
      replace(once);
    });
    return h(
      'section',
      { class: 'card' },
      h(
        'p',
        { class: 'hint' },
        'The resident opens the link (or enters the code in the app), sets a password and is logged in.',
      ),
      h('div', { class: 'row' }, field('Resident', picker), issue),
      out,
      once,
    );
  },
};
