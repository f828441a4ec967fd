/**
 * The resident's doorbell: the text of their own bell on each panel, the picture, hiding (now, until a
 * time, on a weekly schedule) and the ringtone, with a preview. Hiding, picture and ringtone apply on
 * every panel; a unit bell (family, business…) is listed for information, it is not the resident's.
 */
import { RINGTONES, type Ringtone } from '../../../../../protocol/calls.ts';
import type { SelfBell, SelfDoorbell } from '../../../../../protocol/resident-self-service.ts';
import type { ResidentApi } from '../../api.ts';
import { h } from '../../dom.ts';
import { RINGTONE_NAMES, type RingtonePlayer } from '../../ringtone.ts';
import { status } from '../../status.ts';
import { busy, feedback, field } from './form.ts';
import { pictureField } from './picture-field.ts';
import { describeWeekly, intervalsFor, minuteOf, WEEKDAYS } from './weekly.ts';

const PREVIEW_MS = 2500;

/** A datetime-local value in the phone's time zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function doorbellSection(
  api: ResidentApi,
  ringtone: RingtonePlayer,
): { el: HTMLElement; refresh(): Promise<void> } {
  const bells = h('div', { testid: 'bells' });
  const picture = pictureField(api, (d) => show(d));
  const hideNow = h('input', { type: 'checkbox', testid: 'hide-now' });
  const hideUntil = h('input', { type: 'datetime-local', testid: 'hide-until' });
  const days = WEEKDAYS.map((day, i) =>
    h('input', { type: 'checkbox', testid: `hide-day-${i}`, 'aria-label': day }),
  );
  const from = h('input', { type: 'time', testid: 'hide-from', value: '22:00' });
  const to = h('input', { type: 'time', testid: 'hide-to', value: '07:00' });
  const weekly = h('p', { class: 'muted', testid: 'hide-weekly' });
  const tone = h(
    'select',
    { testid: 'ringtone' },
    ...RINGTONES.map((t) => h('option', { value: t }, RINGTONE_NAMES[t])),
  );
  const result = feedback('doorbell-result');
  const save = h('button', { type: 'button', class: 'primary', testid: 'doorbell-save' }, 'Save');
  let current: SelfDoorbell | undefined;

  const run = (button: HTMLButtonElement, change: () => Promise<SelfDoorbell>, done: string) =>
    busy(button, async () => {
      try {
        show(await change());
        result.ok(done);
      } catch (err) {
        result.fail(err);
      }
    });

  const preview = h('button', { type: 'button', testid: 'ringtone-preview' }, 'Play');
  preview.addEventListener('click', () => {
    const t = tone.value as Ringtone;
    ringtone.play(t);
    status.ringtonePreview = t;
    setTimeout(() => ringtone.stop(), PREVIEW_MS);
  });
  const setWeekly = h('button', { type: 'button', testid: 'hide-weekly-set' }, 'Set schedule');
  setWeekly.addEventListener('click', () => {
    const start = minuteOf(from.value);
    const end = minuteOf(to.value);
    const chosen = days.flatMap((d, i) => (d.checked ? [i] : []));
    if (start === undefined || end === undefined || start === end || chosen.length === 0) {
      result.fail(new Error('choose at least one day and two different times'));
      return;
    }
    void run(
      setWeekly,
      () => api.updateDoorbell({ hiddenWeekly: intervalsFor(chosen, start, end) }),
      'Schedule set.',
    );
  });
  const clearWeekly = h('button', { type: 'button', testid: 'hide-weekly-clear' }, 'No schedule');
  clearWeekly.addEventListener('click', () => {
    void run(clearWeekly, () => api.updateDoorbell({ hiddenWeekly: [] }), 'Schedule removed.');
  });
  save.addEventListener('click', () => {
    const shownUntil = current?.hiddenUntil == null ? '' : localInput(current.hiddenUntil);
    // Sent only when the field was changed: the field shows whole minutes, and an instant that has
    // passed meanwhile would no longer be accepted.
    const untilChanged = hideUntil.value !== shownUntil;
    const until = hideUntil.value ? new Date(hideUntil.value).getTime() : null;
    void run(
      save,
      () =>
        api.updateDoorbell({
          hidden: hideNow.checked,
          ringtone: tone.value as Ringtone,
          ...(untilChanged ? { hiddenUntil: until } : {}),
        }),
      'Saved.',
    );
  });

  function bellItem(bell: SelfBell): HTMLElement {
    const text = h('input', { testid: 'bell-text', value: bell.displayText, maxlength: 60 });
    const button = h('button', { type: 'button', testid: 'bell-save' }, 'Save');
    button.addEventListener('click', () => {
      void run(button, () => api.setBellText(bell.bellId, text.value.trim()), `Saved for ${bell.panelName}.`);
    });
    return h(
      'li',
      { 'data-bell-id': bell.bellId, testid: 'bell' },
      field(`Text on ${bell.panelName}`, text),
      button,
    );
  }

  function show(d: SelfDoorbell): void {
    current = d;
    bells.replaceChildren(
      d.bells.length === 0
        ? h('p', { class: 'muted' }, 'You have no doorbell of your own on a panel.')
        : h('ul', { class: 'bells' }, ...d.bells.map(bellItem)),
      ...d.unitBells.map((b) =>
        h(
          'p',
          { class: 'muted', testid: 'unit-bell' },
          `${b.panelName}: "${b.displayText}" (${b.type} bell of your unit)`,
        ),
      ),
    );
    picture.show(d);
    hideNow.checked = d.hidden;
    hideUntil.value = d.hiddenUntil === null ? '' : localInput(d.hiddenUntil);
    weekly.textContent = describeWeekly(d.hiddenWeekly);
    tone.value = d.ringtone;
  }

  const el = h(
    'section',
    { class: 'card', testid: 'doorbell', 'aria-labelledby': 'doorbell-title' },
    h('h2', { id: 'doorbell-title' }, 'Doorbell'),
    bells,
    picture.el,
    h('h3', {}, 'Hiding and ringtone (all panels)'),
    h('label', { class: 'check' }, hideNow, 'Hide me on the panels now'),
    field('Hidden until (empty: no end time)', hideUntil),
    field('Ringtone', tone),
    h('div', { class: 'row' }, preview, save),
    h('h3', {}, 'Weekly schedule'),
    weekly,
    h('div', { class: 'days' }, ...days.map((d, i) => h('label', { class: 'check' }, d, WEEKDAYS[i]))),
    h('div', { class: 'row' }, field('From', from), field('To', to)),
    h('div', { class: 'row' }, setWeekly, clearWeekly),
    result.el,
  );
  return {
    el,
    refresh: async () => {
      try {
        show(await api.doorbell());
      } catch (err) {
        result.fail(err);
      }
    },
  };
}
