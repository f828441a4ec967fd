/**
 * The resident's own cards: block a lost one (and unblock it when found), add one where the building
 * lets residents add their own. A card the administrator revoked is listed but cannot be changed here.
 */
import type {
  PanelsOutcome,
  SelfCard,
  SelfCardsReply,
} from '../../../../../protocol/resident-self-service.ts';
import type { ResidentApi } from '../../api.ts';
import { h } from '../../dom.ts';
import { busy, feedback, field } from './form.ts';

/** Where the change is in force, in words: the resident needs to know whether a lost card still opens. */
function inForce(done: string, panels: PanelsOutcome | null): string {
  if (!panels) return `${done}.`;
  const late = panels.notApplied.map(
    (p) => `${p.panelName} (${p.reason === 'offline' ? 'offline' : 'not yet'})`,
  );
  if (late.length === 0) return `${done}: in force on every door panel.`;
  return `${done}: in force on ${panels.applied.length} panel(s); not yet on ${late.join(', ')} — it applies when they are back.`;
}

const STATUS_TEXT = { active: 'Active', blocked: 'Blocked (lost)', revoked: 'Revoked by the administrator' };

export function cardsSection(api: ResidentApi): { el: HTMLElement; refresh(): Promise<void> } {
  const list = h('ul', { class: 'cards', testid: 'card-list' });
  const uid = h('input', { testid: 'card-uid', placeholder: '04A1B2C3', autocomplete: 'off', maxlength: 40 });
  const add = h('button', { type: 'submit', testid: 'card-add' }, 'Add card');
  const result = feedback('cards-result');
  const addForm = h(
    'form',
    {
      testid: 'card-add-form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void busy(add, async () => {
          try {
            const added = await api.addCard(uid.value);
            uid.value = '';
            result.ok(inForce('Card added', added.panels));
            await refresh();
          } catch (err) {
            result.fail(err);
          }
        });
      },
    },
    field('Card number (UID, in hex)', uid),
    add,
  );

  const item = (card: SelfCard): HTMLElement => {
    const toggle = h(
      'button',
      { type: 'button', testid: 'card-toggle', disabled: !card.changeable },
      card.status === 'blocked' ? 'Unblock' : 'Block (lost)',
    );
    toggle.addEventListener('click', () => {
      void busy(toggle, async () => {
        try {
          const next = card.status === 'blocked' ? 'active' : 'blocked';
          const changed = await api.setCardStatus(card.id, next);
          result.ok(inForce(next === 'blocked' ? 'Card blocked' : 'Card unblocked', changed.panels));
          await refresh();
        } catch (err) {
          result.fail(err);
        }
      });
    });
    return h(
      'li',
      { testid: 'card', 'data-card-id': card.id, 'data-status': card.status },
      h('span', { class: 'name' }, `Card …${card.uidEnd}`),
      h('span', { class: 'muted', testid: 'card-status' }, STATUS_TEXT[card.status]),
      toggle,
    );
  };

  const show = (reply: SelfCardsReply) => {
    list.replaceChildren(
      ...(reply.cards.length === 0 ? [h('li', {}, 'You have no cards.')] : reply.cards.map(item)),
    );
    addForm.hidden = !reply.mayAdd;
  };
  const refresh = async () => {
    try {
      show(await api.cards());
    } catch (err) {
      result.fail(err);
    }
  };
  const el = h(
    'section',
    { class: 'card', testid: 'cards', 'aria-labelledby': 'cards-title' },
    h('h2', { id: 'cards-title' }, 'Cards'),
    list,
    addForm,
    result.el,
  );
  return { el, refresh };
}
