/**
 * The hub's administrator API (WebAdmin's HTTP contract for accounts, login and the change log): the
 * request bodies the hub validates and the replies WebAdmin validates, one definition for both sides.
 * The entity rows are in hub-entities.ts and building.ts; panel status and commands in admin-panels.ts.
 */
import { z } from 'zod';

export const ADMIN_ROLES = ['operator', 'building_admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

const username = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/i, 'must be 3-64 characters: letters, digits, ".", "_", "@", "-"');
const password = z.string().min(12, 'must be at least 12 characters').max(256);
const displayName = z.string().trim().min(1).max(100);
const buildingIds = z.array(z.string().min(1).max(128)).max(1000);

export const adminLoginBody = z
  .object({ username: z.string().max(64), password: z.string().max(256) })
  .strict();

/** The password step's answer: a login token for the second factor; on the first login, a secret to enrol. */
export const adminLoginReply = z.object({
  loginToken: z.string().min(1).max(128),
  next: z.enum(['totp', 'enrol_totp']),
  secret: z.string().optional().describe('enrol_totp: the new TOTP secret (base32), shown once'),
  otpauthUri: z.string().optional().describe('enrol_totp: the same secret as an otpauth:// URI'),
});

export const secondFactorBody = z
  .object({
    loginToken: z.string().min(1).max(128),
    code: z.string().min(6).max(32).describe('six digits from the authenticator app, or a recovery code'),
  })
  .strict();

export const secondFactorReply = z.object({
  sessionToken: z.string().min(1).max(128),
  recoveryCodes: z.array(z.string()).optional().describe('after enrolment: ten single-use codes, shown once'),
  recoveryCodesLeft: z.number().int().optional().describe('after a login with a recovery code'),
});

/** Who the credential is: the operator (all buildings: null) or a building administrator. */
export const adminMeReply = z.object({
  actor: z.string(),
  accountId: z.string().nullable().describe('null for the operator token'),
  role: z.enum(ADMIN_ROLES),
  buildingIds: z.array(z.string()).nullable().describe('null: every building (the operator)'),
});

/** An account as the API shows it: never a hash or a secret. */
export const adminAccountViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ADMIN_ROLES),
  buildingIds: z.array(z.string()),
  totpEnrolled: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.number().int(),
});

export const adminAccountsReply = z.object({ accounts: z.array(adminAccountViewSchema) });

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

/** One administrative change: who (actor, account), what (action, entity, the changed fields), when. */
export const adminChangeSchema = z.object({
  seq: z.number().int(),
  at: z.number().int(),
  actor: z.string(),
  accountId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  buildingId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export const changesReply = z.object({
  changes: z.array(adminChangeSchema),
  nextBefore: z.number().int().nullable().describe('before=nextBefore lists older changes (null: none)'),
});

export type AdminLoginReply = z.output<typeof adminLoginReply>;
export type SecondFactorReply = z.output<typeof secondFactorReply>;
export type AdminMe = z.output<typeof adminMeReply>;
export type AdminAccountView = z.output<typeof adminAccountViewSchema>;
export type NewAccountBody = z.input<typeof newAccountBody>;
export type AccountPatchBody = z.input<typeof accountPatchBody>;
export type AdminChange = z.output<typeof adminChangeSchema>;
export type ChangesReply = z.output<typeof changesReply>;

/** `POST /api/v1/residents/{id}/login`: the resident's new password, shown this once (the hub keeps a hash). */
export const residentLoginIssued = z.object({ residentId: z.string(), password: z.string().min(1) });
export type ResidentLoginIssued = z.output<typeof residentLoginIssued>;
