/** The `after` + `limit` query of every event listing (panel and hub): a cursor and a bounded page. */
import { z } from 'zod';

export const MAX_PAGE = 1000;

export function pageQueryFields(afterMeans: string) {
  return {
    after: z.coerce.number().int('must be an integer').min(0).default(0).describe(afterMeans),
    limit: z.coerce.number().int('must be an integer').min(1).max(MAX_PAGE).default(100),
  };
}
