/**
 * A weekly schedule editor: a list of (weekday, from, to) intervals, as the time profiles store them
 * (minutes of the local day in the building's time zone; "to" is exclusive and 24:00 is the end of the
 * day). Times are typed as HH:MM; an interval that crosses midnight is two intervals, which the editor
 * says rather than guesses.
 */
import type { TimeInterval } from '../../../../protocol/building.ts';
import { append, button, h } from '../dom.ts';
import { input, select } from '../forms.ts';
import { HHMM, hhmm, minuteOf, WEEKDAYS } from '../week-time.ts';

export interface WeekEditor {
  el: HTMLElement;
  /** The intervals as typed, or the first problem in words (nothing is sent then). */
  read(): { intervals: TimeInterval[] } | { problem: string };
}

export function weekEditor(initial: readonly TimeInterval[]): WeekEditor {
  const list = h('div', { class: 'checks', testid: 'intervals' });
  const rows: {
    weekday: HTMLSelectElement;
    from: HTMLInputElement;
    to: HTMLInputElement;
    el: HTMLElement;
  }[] = [];
  const addRow = (i: TimeInterval) => {
    const weekday = select(
      'weekday',
      WEEKDAYS.map((d, n) => [String(n), d] as const),
      String(i.weekday),
      { 'aria-label': 'Weekday', testid: 'interval-weekday' },
    );
    const attrs = { pattern: HHMM.source, maxlength: 5, size: 5, required: true };
    const from = input('startMinute', {
      ...attrs,
      value: hhmm(i.startMinute),
      testid: 'interval-from',
      'aria-label': 'From',
    });
    const to = input('endMinute', {
      ...attrs,
      value: hhmm(i.endMinute),
      testid: 'interval-to',
      'aria-label': 'To',
    });
    const row = h('div', { class: 'row', testid: 'interval' }, weekday, 'from', from, 'to', to);
    const entry = { weekday, from, to, el: row };
    append(
      row,
      button(
        'Remove',
        () => {
          rows.splice(rows.indexOf(entry), 1);
          row.remove();
        },
        { class: 'quiet', testid: 'interval-remove' },
      ),
    );
    rows.push(entry);
    list.append(row);
  };
  for (const i of initial) addRow(i);
  const add = button(
    'Add interval',
    () => {
      // The next weekday after the last row, same hours: typing a working week is five clicks.
      const last = rows.at(-1);
      addRow({
        weekday: last ? (Number(last.weekday.value) + 1) % 7 : 0,
        startMinute: (last && minuteOf(last.from.value)) ?? 7 * 60,
        endMinute: (last && minuteOf(last.to.value)) ?? 18 * 60,
      });
    },
    { class: 'quiet', testid: 'interval-add' },
  );
  return {
    el: h('fieldset', { class: 'checks' }, h('legend', {}, 'Weekly intervals (building time)'), list, add),
    read: () => {
      const intervals: TimeInterval[] = [];
      for (const r of rows) {
        const day = WEEKDAYS[Number(r.weekday.value)]!;
        const startMinute = minuteOf(r.from.value);
        const endMinute = minuteOf(r.to.value);
        if (startMinute === undefined || startMinute === 1440)
          return { problem: `${day}: "from" must be a time such as 07:00` };
        if (endMinute === undefined || endMinute === 0)
          return { problem: `${day}: "to" must be a time such as 18:00 (24:00 is midnight)` };
        if (startMinute >= endMinute)
          return {
            problem: `${day} ${r.from.value}–${r.to.value}: "from" must be before "to"; across midnight, add two intervals (until 24:00, and from 00:00 the next day)`,
          };
        intervals.push({ weekday: Number(r.weekday.value), startMinute, endMinute });
      }
      return { intervals };
    },
  };
}
