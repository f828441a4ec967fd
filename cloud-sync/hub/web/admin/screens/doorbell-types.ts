/** What the doorbell screen's parts share: the rows read once per render, and how each type is offered. */
import { BELL_TYPES } from '../../../../protocol/directory.ts';
import type { HubResident } from '../../../../protocol/hub-entities.ts';
import type { Row } from '../api.ts';
import type { MoreApi, MoreRow } from '../api-more.ts';

export type Bell = MoreRow<'doorbells'>;
export type Member = MoreRow<'doorbellMembers'>;

/** Everything the doorbell screen and its parts show, read once per render. */
export interface BellLists {
  more: MoreApi;
  panel: Row<'panels'>;
  doors: Row<'doors'>[];
  units: Row<'units'>[];
  /** Active residents of the building. */
  residents: HubResident[];
  bells: Bell[];
  members: Member[];
}

/** How each type is offered: sequential and parallel are the administrator's (unit owners cannot pick them). */
export const TYPE_TEXT: Record<(typeof BELL_TYPES)[number], string> = {
  separate: 'Separate (one resident)',
  family: 'Family (one bell for the unit)',
  business: 'Business (company name, reception group)',
  sequential: 'Sequential (one after another) — administrator only',
  parallel: 'Parallel (all at once) — administrator only',
};

export const TYPE_OPTIONS = BELL_TYPES.map((t) => [t, TYPE_TEXT[t]] as const);
