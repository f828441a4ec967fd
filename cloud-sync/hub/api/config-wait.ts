/**
 * Confirmable changes: a card or resident change answers with the config version it produced for each
 * panel, and with `?wait=MS` waits until every online panel reports that version applied — so "revoked"
 * can mean "no panel opens for this card any more", or name the panels that have not applied it yet.
 */
import { z } from 'zod';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { ConfigOutcomeView } from '../../protocol/admin-panels.ts';
import { MAX_APPLY_WAIT_MS } from '../config/config-reports.ts';
import type { HubApiContext } from './context.ts';

export const waitQuery = z.object({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_APPLY_WAIT_MS)
    .optional()
    .describe('wait up to this many ms until every online panel has applied the change'),
});

/** Runs `change`, then answers its result with the config outcome (waiting when the query asks to). */
export async function withConfigOutcome<T>(
  ctx: HubApiContext,
  query: URLSearchParams,
  change: () => T,
): Promise<{ result: T; config: ConfigOutcomeView; waited: boolean }> {
  // Parsed first: a bad wait changes nothing.
  const { wait } = parseInput(waitQuery, Object.fromEntries(query), 'query');
  const { result, versions } = ctx.publisher.track(change);
  if (wait === undefined) return { result, config: { versions }, waited: false };
  const outcome = await ctx.publisher.reports.waitApplied(versions, wait);
  return { result, config: { versions, ...outcome }, waited: true };
}
