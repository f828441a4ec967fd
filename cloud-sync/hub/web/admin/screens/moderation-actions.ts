/**
 * The moderator's three actions on one resident in one panel's directory, each asked once more inline
 * (no browser dialogs): remove their text (the bell shows their name again), remove their picture, or
 * remove them from this panel's directory (their bell there is gone; cards and access rules stay).
 */
import type { HubResident } from '../../../../protocol/hub-entities.ts';
import type { Row } from '../api.ts';
import type { MoreApi, MoreRow } from '../api-more.ts';
import { button, h, replace } from '../dom.ts';
import { flash } from '../flash.ts';
import { outcomeText } from '../format.ts';
import { errorText } from '../forms.ts';
import type { ScreenContext } from '../nav.ts';

export interface ModerationTarget {
  panel: Row<'panels'>;
  bell: MoreRow<'doorbells'>;
  resident: HubResident;
}

type Action = 'text' | 'picture' | 'panel';

const ASK: Record<Action, (t: ModerationTarget) => string> = {
  text: (t) => `Replace the text with "${t.resident.name}"?`,
  picture: (t) => `Remove ${t.resident.name}'s picture?`,
  panel: (t) => `Remove ${t.resident.name} from the directory of ${t.panel.name}?`,
};

const DONE: Record<Action, (t: ModerationTarget) => string> = {
  text: (t) => `The text is removed: ${t.panel.name} shows "${t.resident.name}".`,
  picture: (t) => `${t.resident.name}'s picture is removed.`,
  panel: (t) => `${t.resident.name} is removed from the directory of ${t.panel.name} (access unchanged).`,
};

export function moderationActions(ctx: ScreenContext, more: MoreApi, t: ModerationTarget): HTMLElement {
  const cell = h('span', { class: 'row', testid: 'moderation', 'data-resident-id': t.resident.id });
  const run = async (action: Action) => {
    try {
      const reply =
        action === 'text'
          ? await more.removeText(t.panel.id, t.resident.id)
          : action === 'picture'
            ? await more.removePicture(t.resident.id)
            : await more.removeFromPanel(t.panel.id, t.resident.id);
      flash('directory', 'ok', `${DONE[action](t)} ${outcomeText(reply.config)}`);
    } catch (err) {
      flash('directory', 'bad', errorText(err));
    }
    ctx.go('directory', { panel: t.panel.id });
  };
  const ask = (action: Action) =>
    replace(
      cell,
      ASK[action](t),
      button('Yes', () => void run(action), { class: 'danger', testid: `moderate-${action}-confirm` }),
      button('Cancel', () => showButtons(), { class: 'quiet' }),
    );
  // Only a separate bell's text is the resident's own, and there is nothing to remove while it is their name.
  const shown = t.resident.displayName ?? t.bell.displayText;
  const ownText = t.bell.type === 'separate' && shown !== t.resident.name;
  const showButtons = () =>
    replace(
      cell,
      ownText ? button('Remove text', () => ask('text'), { class: 'quiet', testid: 'moderate-text' }) : null,
      t.resident.picture
        ? button('Remove picture', () => ask('picture'), { class: 'quiet', testid: 'moderate-picture' })
        : null,
      button('Remove from panel', () => ask('panel'), { class: 'danger', testid: 'moderate-panel' }),
    );
  showButtons();
  return cell;
}
