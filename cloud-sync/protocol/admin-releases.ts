/**
 * The hub's admin API for software releases: the catalogue of signed bundles, starting an update on a
 * panel, and a panel's update status (from its update.* events). Shared by the hub and WebAdmin.
 */
import { z } from 'zod';
import { releaseIdSchema } from './update-command.ts';

export const releaseViewSchema = z.object({
  id: z.string(),
  version: z.string(),
  compatible: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  addedAt: z.number().int(),
});
export type ReleaseView = z.output<typeof releaseViewSchema>;

export const PANEL_UPDATE_STATES = [
  'requested',
  'started',
  'downloading',
  'verifying',
  'installing',
  'rebooting',
  'installed',
  'failed',
  'confirmed',
  'rolled_back',
] as const;

export const panelUpdateViewSchema = z.object({
  releaseId: z.string(),
  version: z.string(),
  state: z.enum(PANEL_UPDATE_STATES),
  percent: z.number().int().nullable(),
  /** failed: the panel's reason code (checksum_mismatch, bundle_refused, …); refused: the command's. */
  reason: z.string().nullable(),
  detail: z.string().nullable(),
  /** The update.install command's nonce (GET /api/v1/commands/{nonce} shows whether it was refused). */
  nonce: z.string().nullable(),
  updatedAt: z.number().int(),
});
export type PanelUpdateView = z.output<typeof panelUpdateViewSchema>;

/** POST /api/v1/panels/{id}/update */
export const startUpdateBody = z
  .object({
    releaseId: releaseIdSchema,
    allowDowngrade: z.boolean().default(false),
  })
  .strict();
