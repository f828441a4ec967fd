/**
 * Cards, per resident: the list with block/unblock and revoke (final), and allocating a card — by typing
 * its UID, or by putting a door's reader in enrol mode: the next card tapped there opens nothing, and its
 * UID comes back into the form. Every change answers which panels applied it.
 */
import type { Card } from '../../../../protocol/building.ts';
import type { HubResident } from '../../../../protocol/hub-entities.ts';
import type { Row } from '../api.ts';
import { commandOutcome, commandText } from '../commands.ts';
import { badge, button, h, newId, table } from '../dom.ts';
import { flash, flashLine } from '../flash.ts';
import { dateTime, outcomeText } from '../format.ts';
import { busy, errorText, feedback, field, input, onSubmit, select } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';

/** How long a door waits for the card to enrol (the hub's default; at most 55 s). */
const ENROL_S = 45;

const STATUS_TONE = { active: 'ok', blocked: 'warn', revoked: 'bad' } as const;

function cardActions(ctx: ScreenContext, card: Card, resident: HubResident, out: HTMLElement): HTMLElement {
  const act = (action: 'block' | 'unblock' | 'revoke', text: string, done: string, danger = false) => {
    const b: HTMLButtonElement = button(
      text,
      () =>
        void busy(b, async () => {
          try {
            const reply = await ctx.api.cardAction(card.id, action);
            flash('cards', 'ok', `Card ${reply.uid} ${done}. ${outcomeText(reply.config)}`);
            ctx.go('cards', { resident: resident.id });
          } catch (err) {
            out.className = 'result bad';
            out.textContent = errorText(err);
          }
        }),
      { class: danger ? 'danger' : 'quiet', testid: `card-${action}` },
    );
    return b;
  };
  // Revoked is final: a revoked card is replaced, never reactivated.
  if (card.status === 'revoked') return h('span', { class: 'muted' }, 'revoked for good');
  return h(
    'span',
    { class: 'row', 'data-card-id': card.id },
    card.status === 'active'
      ? act('block', 'Block', 'is blocked')
      : act('unblock', 'Unblock', 'is active again'),
    act('revoke', 'Revoke', 'is revoked', true),
  );
}

function allocateForm(
  ctx: ScreenContext,
  resident: HubResident,
  doors: readonly Row<'doors'>[],
): HTMLElement {
  const uid = input('uid', {
    required: true,
    maxlength: 20,
    placeholder: '04A1B2C3D4E5F6',
    autocomplete: 'off',
    spellcheck: false,
  });
  const door = select(
    'enrolDoor',
    doors.map((d) => [d.id, d.name] as const),
    doors[0]?.id,
    { 'aria-label': 'Door to enrol at' },
  );
  const enrolOut = h('p', { class: 'result', role: 'status', 'aria-live': 'polite', testid: 'enrol-result' });
  const enrol: HTMLButtonElement = button(
    'Enrol at door',
    () =>
      void busy(enrol, async () => {
        enrolOut.className = 'result';
        enrolOut.textContent = 'Arming the reader…';
        try {
          const sent = await ctx.api.enrolCard(door.value, ENROL_S);
          const name = doors.find((d) => d.id === door.value)?.name ?? door.value;
          enrolOut.textContent = `Tap the card at ${name} now (within ${ENROL_S} s).`;
          const done = await commandOutcome(ctx.api, sent.nonce, ctx.isActive);
          if (!done) return;
          if (done.status === 'done' && done.cardUid) {
            uid.value = done.cardUid;
            enrolOut.className = 'result ok';
            enrolOut.textContent = `Card read at ${name}. Allocate it to ${resident.name} below.`;
            uid.focus();
          } else {
            enrolOut.className = 'result bad';
            enrolOut.textContent =
              done.status === 'expired' ? 'No card was tapped in time.' : commandText(done, '');
          }
        } catch (err) {
          enrolOut.className = 'result bad';
          enrolOut.textContent = errorText(err);
        }
      }),
    { testid: 'enrol-start' },
  );
  const form = h(
    'form',
    { class: 'card', testid: 'card-allocate' },
    h('h2', {}, `Allocate a card to ${resident.name}`),
    h(
      'div',
      { class: 'row' },
      field('Door', door, 'its reader takes the next card, which opens nothing'),
      enrol,
    ),
    enrolOut,
    field('Card UID', uid, 'hex, 4, 7 or 10 bytes; or enrol it at a door above'),
    h('button', { type: 'submit', class: 'primary', testid: 'card-allocate-submit' }, 'Allocate card'),
  );
  if (doors.length === 0) door.disabled = enrol.disabled = true;
  const fb = feedback('card-allocate-result', form);
  form.append(fb.el);
  onSubmit(form, fb, async () => {
    const reply = await ctx.api.createCard({ id: newId(), uid: uid.value.trim(), residentId: resident.id });
    flash('cards', 'ok', `Card ${reply.uid} allocated to ${resident.name}. ${outcomeText(reply.config)}`);
    ctx.go('cards', { resident: resident.id });
  });
  return form;
}

export const cardsScreen: Screen = {
  id: 'cards',
  title: 'Cards',
  render: async (ctx) => {
    const buildingId = ctx.building!.id;
    const [units, all, doors] = await Promise.all([
      ctx.api.list('units', { buildingId }),
      ctx.api.list('residents'),
      ctx.api.list('doors', { buildingId }),
    ]);
    const here = new Set(units.map((u) => u.id));
    const residents = all
      .filter((r) => here.has(r.unitId) && r.status === 'active')
      .sort((a, b) => a.name.localeCompare(b.name));
    const out = flashLine('cards', 'card-result');
    if (residents.length === 0)
      return h('p', { class: 'empty' }, 'No active residents: add one under Units & residents.');
    const resident = residents.find((r) => r.id === ctx.params['resident']) ?? residents[0]!;
    const picker = select(
      'resident',
      residents.map((r) => [r.id, r.name] as const),
      resident.id,
      { testid: 'card-resident' },
    );
    picker.addEventListener('change', () => ctx.go('cards', { resident: picker.value }));
    const cards = await ctx.api.list('cards', { residentId: resident.id });
    const rows = cards.map((c) => [
      h('code', { testid: 'card-uid' }, c.uid),
      badge(c.status, STATUS_TONE[c.status], 'card-status'),
      c.validFrom === null ? '—' : dateTime(c.validFrom),
      c.validUntil === null ? '—' : dateTime(c.validUntil),
      cardActions(ctx, c, resident, out),
    ]);
    return h(
      'div',
      {},
      h('div', { class: 'card' }, field('Resident', picker), out),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, `Cards of ${resident.name}`),
        table('cards', ['UID', 'Status', 'Valid from', 'Valid until', ''], rows, 'No cards yet.'),
      ),
      allocateForm(ctx, resident, doors),
    );
  },
};
