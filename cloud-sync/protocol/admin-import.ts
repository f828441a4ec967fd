/**
 * What the hub answers for a building's CSV import (`POST /api/v1/buildings/{id}/import`): in the protocol,
 * not the hub, because WebAdmin validates the reply with it and the OpenAPI document describes it.
 */
import { z } from 'zod';
import { configOutcomeView } from './admin-panels.ts';

const counts = z.object({ created: z.number(), updated: z.number(), unchanged: z.number() });

export const importIssueView = z.object({
  line: z.number().describe('line of the file the row starts on (the header is line 1)'),
  column: z.string().nullable().describe('the column, or null when the whole row or file is meant'),
  code: z.string(),
  message: z.string(),
});

export const importReportView = z.object({
  buildingId: z.string(),
  dryRun: z.boolean(),
  applied: z.boolean().describe('the writes were committed'),
  rows: z.number().describe('data rows read'),
  errors: z
    .array(importIssueView)
    .describe('every bad row (up to 10,000); any error means nothing was changed'),
  errorsNotShown: z.number(),
  summary: z.object({ units: counts, residents: counts, cards: counts, accessRules: counts }),
  config: configOutcomeView.optional().describe('an apply: the config versions it produced'),
});

export type ImportIssueView = z.output<typeof importIssueView>;
export type ImportReportView = z.output<typeof importReportView>;
