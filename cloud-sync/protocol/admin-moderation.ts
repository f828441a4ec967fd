/**
 * Moderation routes of the admin API (WebAdmin's "directory and moderation"): request bodies and the
 * reply, one definition each for the hub and the browser.
 */
import { z } from 'zod';
import { entityId } from './fields.ts';

export const resetTextBody = z
  .object({
    panelId: entityId
      .optional()
      .describe("only the resident's bell text on this panel; absent: every panel, and their display name"),
  })
  .strict();

export const moderationReply = z.object({
  residentId: z.string(),
  changedBells: z.array(z.string()).describe('bells whose text or members changed'),
  removedBells: z.array(z.string()).describe('bells deleted'),
});

export type ResetTextBody = z.output<typeof resetTextBody>;
export type ModerationReply = z.output<typeof moderationReply>;
