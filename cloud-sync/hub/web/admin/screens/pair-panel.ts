/**
 * Pairing a new panel: the administrator types the code the panel shows (or scans its QR, which opens
 * this screen with the code filled in), gives the panel its id and name in the picked building, and,
 * optionally, which hub door is which of the panel's wired doors. The hub provisions the panel and the
 * panel collects its credentials itself; nothing is copied by hand.
 */
import { type PairingClaimReply, pairingClaimReply } from '../../../../protocol/pairing.ts';
import { MoreApi } from '../api-more.ts';
import { h, replace, table } from '../dom.ts';
import { dateTime } from '../format.ts';
import { check, checkbox, feedback, field, input, onSubmit } from '../forms.ts';
import type { Screen } from '../nav.ts';

/** `door-id=wired-id[=Name]` per line; empty: the hub's default, one door per wired door. */
function parseDoors(text: string): { id: string; wired: string; name?: string }[] | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return undefined;
  return lines.map((line) => {
    const [id = '', wired = '', ...name] = line.split('=').map((part) => part.trim());
    return { id, wired, ...(name.length ? { name: name.join('=') } : {}) };
  });
}

function outcome(reply: PairingClaimReply): HTMLElement {
  return h(
    'div',
    { testid: 'pair-outcome' },
    h(
      'p',
      { class: 'result ok' },
      `Panel "${reply.panelId}" ${reply.reissued ? 'got new credentials' : 'is paired'}. ` +
        `It collects them at its next poll (by ${dateTime(reply.kitExpiresAt)}) and restarts paired.`,
    ),
    reply.installerPin
      ? h(
          'p',
          { class: 'once' },
          'Installer PIN, shown this once (installer mode on the panel’s screen; the panel keeps only its hash): ',
          h('strong', { testid: 'pair-installer-pin' }, reply.installerPin),
        )
      : null,
    table(
      'pair-doors',
      ['Hub door', 'Name', 'Panel wiring'],
      reply.doors.map((d) => [h('code', {}, d.id), d.name, h('code', {}, d.wired)]),
      'No doors.',
    ),
  );
}

export const pairPanelScreen: Screen = {
  id: 'pair-panel',
  title: 'Pair a panel',
  render: (ctx) => {
    const building = ctx.building!;
    const more = new MoreApi(ctx.api);
    const code = input('code', {
      required: true,
      maxlength: 16,
      autocomplete: 'off',
      placeholder: '7KQ4-M2XD',
      value: ctx.params['code'] ?? '',
    });
    const panelId = input('panelId', { required: true, maxlength: 63, placeholder: 'entrance-a' });
    const name = input('name', { maxlength: 100, placeholder: 'Entrance A' });
    const doors = h('textarea', {
      name: 'doors',
      testid: 'doors',
      rows: 3,
      placeholder: 'front-door=relay-1=Front door',
    });
    const reissue = checkbox('reissue', false);
    const form = h(
      'form',
      { class: 'stack', testid: 'pair-form' },
      field('Code shown on the panel', code),
      field('Panel id', panelId, 'a-z, 0-9, "_" and "-"; also its broker login'),
      field('Name', name),
      h('p', {}, 'Building: ', h('strong', {}, building.name)),
      field(
        'Doors (optional)',
        doors,
        'one per line: hub door id = the panel’s wired door id [= name]; empty: one door per wired door',
      ),
      check('The panel exists already (a replaced unit): give it new credentials', reissue),
      h('button', { type: 'submit', testid: 'pair-submit' }, 'Pair'),
    );
    const fb = feedback('pair-result', form);
    const result = h('div', {});
    onSubmit(form, fb, async () => {
      const reply = await more.call('POST', '/api/v1/pairing/claim', pairingClaimReply, {
        code: code.value,
        panelId: panelId.value.trim(),
        buildingId: building.id,
        ...(name.value.trim() ? { name: name.value.trim() } : {}),
        ...(parseDoors(doors.value) ? { doors: parseDoors(doors.value) } : {}),
        ...(reissue.checked ? { reissue: true } : {}),
      });
      replace(result, outcome(reply));
      form.reset();
    });
    const page = h(
      'div',
      {},
      h(
        'p',
        {},
        'A new panel shows a pairing code on its screen. Enter it here: the hub creates the panel in this building ' +
          'and the panel fetches its own credentials. Codes last 15 minutes.',
      ),
      form,
      fb.el,
      result,
    );
    return page;
  },
};
