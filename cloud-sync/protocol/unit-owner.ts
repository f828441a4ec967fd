/**
 * Unit owners: the resident an administrator made their unit's owner chooses, per panel (staircase),
 * how the unit rings: separate (each resident their own bell), family (one bell with the family name,
 * ringing the whole unit) or business (one bell with the company name, ringing its reception group).
 * Sequential and parallel bells stay the administrator's. Bodies the hub validates and replies the
 * browser validates, one definition each.
 */
import { z } from 'zod';
import { BELL_TYPES } from './directory.ts';
import { entityId, name } from './fields.ts';

/** What an owner may choose. */
export const OWNER_BELL_TYPES = ['separate', 'family', 'business'] as const;
/** The administrator's alone. */
export const ADMIN_ONLY_BELL_TYPES = ['sequential', 'parallel'] as const;

/** PUT /api/v1/units/{id}/owner (admin). */
export const unitOwnerBody = z
  .object({ residentId: entityId.nullable().describe('a resident of the unit; null: no owner') })
  .strict();
export const unitOwnerReply = z.object({ unitId: z.string(), ownerResidentId: z.string().nullable() });

/** PUT /api/v1/resident/unit/panels/{panelId}/doorbell (the owner). */
export const unitDoorbellBody = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('separate') }).strict(),
    z.object({ type: z.literal('family'), displayText: name.describe('the family name') }).strict(),
    z
      .object({
        type: z.literal('business'),
        displayText: name.describe('the company name'),
        members: z.array(entityId).min(1).max(50).describe('the reception group: residents of the unit'),
      })
      .strict(),
    // Named so the refusal can say why (a 403 with a clear message, not a schema error).
    z.object({ type: z.enum(ADMIN_ONLY_BELL_TYPES) }).passthrough(),
  ])
  .describe('the unit bell type on this panel');

const panelBells = z.object({
  panelId: z.string(),
  panelName: z.string(),
  /** The unit's bell type on this panel; null when it has no bell there. */
  type: z.enum(BELL_TYPES).nullable(),
  /** Whether the owner may change it (not while the administrator's sequential or parallel bell is set). */
  ownerMayChange: z.boolean(),
  /** Family or company name (family, business); null for separate bells. */
  displayText: z.string().nullable(),
  /** Business: the reception group; sequential, parallel: whom it rings; otherwise empty. */
  members: z.array(z.string()),
});

export const unitDoorbellsReply = z.object({
  unitId: z.string(),
  unitName: z.string(),
  residents: z.array(z.object({ id: z.string(), name: z.string() })),
  panels: z.array(panelBells),
});

export type UnitDoorbellBody = z.output<typeof unitDoorbellBody>;
export type UnitDoorbellsReply = z.output<typeof unitDoorbellsReply>;
