/** Request bodies of the administrator account routes (admin-account-routes.ts). */
import { z } from 'zod';
import { ADMIN_ROLES } from '../store/admin-accounts.ts';

const username = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/i, 'must be 3-64 characters: letters, digits, ".", "_", "@", "-"');
const password = z.string().min(12, 'must be at least 12 characters').max(256);
const displayName = z.string().trim().min(1).max(100);
const buildingIds = z.array(z.string().min(1).max(128)).max(1000);

export const adminLoginBody = z
  .object({ username: z.string().max(64), password: z.string().max(256) })
  .strict();

export const secondFactorBody = z
  .object({
    loginToken: z.string().min(1).max(128),
    code: z.string().min(6).max(32).describe('six digits from the authenticator app, or a recovery code'),
  })
  .strict();

export const newAccountBody = z
  .object({
    username,
    displayName,
    role: z.enum(ADMIN_ROLES),
    password,
    buildingIds: buildingIds.default([]),
  })
  .strict()
  .refine((a) => a.role === 'operator' || a.buildingIds.length > 0, {
    message: 'a building administrator needs at least one building',
    path: ['buildingIds'],
  });

export const accountPatchBody = z
  .object({
    displayName,
    role: z.enum(ADMIN_ROLES),
    password,
    buildingIds,
    disabled: z.boolean(),
  })
  .partial()
  .strict();

export const changesQuery = z
  .object({
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    building: z.string().min(1).max(128).optional(),
  })
  .strict();
