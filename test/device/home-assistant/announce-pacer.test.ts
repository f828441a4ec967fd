/** The full announcement runs at most once per interval, however often Home Assistant's status asks. */
import { expect, it } from 'vitest';
import { ANNOUNCE_MIN_INTERVAL_MS, AnnouncePacer } from '../../../device/home-assistant/announce-pacer.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

it('announces at once, then once per interval however many requests came in', () => {
  const clock = new FakeClock();
  let announced = 0;
  const pacer = new AnnouncePacer(clock, () => announced++);
  pacer.request();
  expect(announced).toBe(1);
  for (let i = 0; i < 1000; i++) pacer.request();
  expect(announced).toBe(1);
  clock.advance(ANNOUNCE_MIN_INTERVAL_MS - 1);
  expect(announced).toBe(1);
  clock.advance(1);
  expect(announced).toBe(2);
  clock.advance(ANNOUNCE_MIN_INTERVAL_MS * 3);
  pacer.request();
  expect(announced).toBe(3);
  pacer.request();
  pacer.stop();
  clock.advance(ANNOUNCE_MIN_INTERVAL_MS * 3);
  expect(announced).toBe(3);
});
