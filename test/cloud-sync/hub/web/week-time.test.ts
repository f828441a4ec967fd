/** The weekly schedule editor's time arithmetic: typed HH:MM to minutes of the day and back, and its summary. */
import { describe, expect, it } from 'vitest';
import { hhmm, minuteOf, weekText } from '../../../../cloud-sync/hub/web/admin/week-time.ts';

describe('week editor', () => {
  it('reads HH:MM as minutes of the day, 24:00 being the end of the day', () => {
    expect(minuteOf('00:00')).toBe(0);
    expect(minuteOf('7:30')).toBe(450);
    expect(minuteOf(' 18:05 ')).toBe(1085);
    expect(minuteOf('24:00')).toBe(1440);
  });

  it('refuses what is not a time of day', () => {
    for (const bad of ['', '24:01', '25:00', '12:60', '12', '12:5', 'noon', '-1:00', '12:00:00'])
      expect(minuteOf(bad), bad).toBeUndefined();
  });

  it('writes minutes back as HH:MM', () => {
    expect([0, 450, 1085, 1440].map(hhmm)).toEqual(['00:00', '07:30', '18:05', '24:00']);
    for (let m = 0; m <= 1440; m += 7) expect(minuteOf(hhmm(m))).toBe(m);
  });

  it('summarizes intervals in weekday and time order', () => {
    expect(weekText([])).toBe('never');
    expect(
      weekText([
        { weekday: 5, startMinute: 600, endMinute: 840 },
        { weekday: 0, startMinute: 420, endMinute: 1080 },
      ]),
    ).toBe('Mon 07:00–18:00, Sat 10:00–14:00');
  });
});
