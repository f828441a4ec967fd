/**
 * Buildings: the list, each building's name, time zone and policies — "pictures allowed" (residents'
 * pictures on the panels) and "residents may add their own cards" (in the resident app) — and what the
 * phone fallback (a call to a resident's phone) says on answer and which digits open the door, and the
 * language its panels' screens start in. The operator creates buildings; a building administrator edits
 * their own.
 */
import type { HubBuilding } from '../../../../protocol/hub-entities.ts';
import type { PanelLanguage } from '../../../../protocol/panel-api.ts';
import { badge, button, h, table } from '../dom.ts';
import { check, checkbox, feedback, field, input, onSubmit, orNull, select } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';

const yesNo = (on: boolean, testid: string) => badge(on ? 'yes' : 'no', on ? 'ok' : 'plain', testid);

function policyBoxes(b?: HubBuilding) {
  return {
    pictures: checkbox('picturesAllowed', b?.picturesAllowed ?? false),
    ownCards: checkbox('residentsMayAddCards', b?.residentsMayAddCards ?? false),
  };
}

/** Each panel language under its own name, so whoever reads it finds theirs. */
const LANGUAGES: readonly (readonly [PanelLanguage, string])[] = [
  ['nb', 'Norsk bokmål'],
  ['en', 'English'],
  ['sv', 'Svenska'],
];

function languageField(b?: HubBuilding) {
  const language = select('language', LANGUAGES, b?.language ?? 'en');
  return {
    field: field('Panel screen language', language, 'the language visitors see first; they can switch'),
    value: () => language.value as PanelLanguage,
  };
}

/** The phone fallback's fields: the prompt spoken on answer and the digits that open. */
function phoneFields(b?: HubBuilding) {
  const prompt = input('phonePrompt', {
    value: b?.phonePrompt ?? '',
    maxlength: 200,
    placeholder: `Visitor at ${b?.name ?? 'the building'}. Press 5 to open.`,
  });
  const digits = input('phoneOpenDigits', {
    value: b?.phoneOpenDigits ?? '58',
    required: true,
    maxlength: 4,
    pattern: '[0-9*#]{1,4}',
  });
  return {
    prompt,
    digits,
    fields: [
      field('Phone call prompt', prompt, 'spoken when a resident answers on their phone; empty: the default'),
      field(
        'Digits that open by phone',
        digits,
        'one to four of 0-9, * and #; each opens the door once per call',
      ),
    ],
    values: () => ({ phonePrompt: orNull(prompt.value), phoneOpenDigits: digits.value.trim() }),
  };
}

function editForm(ctx: ScreenContext, b: HubBuilding): HTMLElement {
  const name = input('name', { value: b.name, required: true, maxlength: 200 });
  const timeZone = input('timeZone', { value: b.timeZone, required: true });
  const { pictures, ownCards } = policyBoxes(b);
  const phone = phoneFields(b);
  const language = languageField(b);
  const form = h(
    'form',
    { class: 'card', testid: 'building-edit', 'data-building-id': b.id },
    h('h2', {}, `Edit ${b.name}`),
    field('Name', name),
    field('Time zone', timeZone, 'IANA name, e.g. Europe/Stockholm: schedules and hiding run in it'),
    check('Pictures allowed on the panels', pictures),
    check('Residents may add their own cards', ownCards),
    language.field,
    ...phone.fields,
    h('button', { type: 'submit', class: 'primary', testid: 'building-save' }, 'Save'),
  );
  const fb = feedback('building-result', form);
  form.append(fb.el);
  onSubmit(form, fb, async () => {
    await ctx.api.update('buildings', b.id, {
      name: name.value.trim(),
      timeZone: timeZone.value.trim(),
      picturesAllowed: pictures.checked,
      residentsMayAddCards: ownCards.checked,
      language: language.value(),
      ...phone.values(),
    });
    await ctx.reloadBuildings();
  });
  return form;
}

function createForm(ctx: ScreenContext): HTMLElement {
  const id = input('id', { required: true, maxlength: 128, placeholder: 'storgatan-12' });
  const name = input('name', { required: true, maxlength: 200, placeholder: 'Storgatan 12' });
  const timeZone = input('timeZone', {
    required: true,
    value: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  const { pictures, ownCards } = policyBoxes();
  const phone = phoneFields();
  const language = languageField();
  const form = h(
    'form',
    { class: 'card', testid: 'building-create' },
    h('h2', {}, 'New building'),
    field('Id', id, 'short and permanent: panels and imports name the building by it'),
    field('Name', name),
    field('Time zone', timeZone),
    check('Pictures allowed on the panels', pictures),
    check('Residents may add their own cards', ownCards),
    language.field,
    ...phone.fields,
    h('button', { type: 'submit', class: 'primary', testid: 'building-create-submit' }, 'Create building'),
  );
  const fb = feedback('building-create-result', form);
  form.append(fb.el);
  onSubmit(form, fb, async () => {
    await ctx.api.create('buildings', {
      id: id.value.trim(),
      name: name.value.trim(),
      timeZone: timeZone.value.trim(),
      picturesAllowed: pictures.checked,
      residentsMayAddCards: ownCards.checked,
      language: language.value(),
      ...phone.values(),
    });
    await ctx.reloadBuildings();
  });
  return form;
}

export const buildingsScreen: Screen = {
  id: 'buildings',
  title: 'Buildings',
  perBuilding: false,
  render: (ctx) => {
    const editing = ctx.buildings.find((b) => b.id === ctx.params['edit']) ?? ctx.building;
    const rows = ctx.buildings.map((b) => [
      b.name,
      h('code', {}, b.id),
      b.timeZone,
      yesNo(b.picturesAllowed, 'pictures-allowed'),
      yesNo(b.residentsMayAddCards, 'residents-may-add-cards'),
      h(
        'span',
        { testid: 'building-language' },
        LANGUAGES.find(([code]) => code === b.language)?.[1] ?? b.language,
      ),
      h('code', { testid: 'phone-open-digits' }, b.phoneOpenDigits),
      button('Edit', () => ctx.go('buildings', { edit: b.id }), { class: 'quiet', testid: `edit-${b.id}` }),
    ]);
    return h(
      'section',
      {},
      table(
        'buildings',
        [
          'Name',
          'Id',
          'Time zone',
          'Pictures allowed',
          'Residents add cards',
          'Screen language',
          'Phone opens with',
          '',
        ],
        rows,
        'No buildings yet.',
      ),
      h(
        'div',
        { class: 'columns' },
        editing ? editForm(ctx, editing) : null,
        ctx.me.role === 'operator' ? createForm(ctx) : null,
      ),
    );
  },
};
