/** The administrator account routes in the hub's OpenAPI document (admin-account-routes.ts). */
import { errorBody } from '../../../lib/http/error-body.ts';
import { json, jsonIn, pathId, queryParameters } from '../../../lib/http/openapi-parts.ts';
import {
  accountPatchBody,
  adminAccountsReply,
  adminAccountViewSchema,
  adminLoginBody,
  adminLoginReply,
  adminMeReply,
  changesQuery,
  changesReply,
  newAccountBody,
  secondFactorBody,
  secondFactorReply,
} from '../../protocol/admin-api.ts';

const errors = { '4XX': { description: 'bad request, wrong credential, not allowed', ...json(errorBody) } };
const account = { description: 'account', ...json(adminAccountViewSchema) };

export function adminAccountPaths(): Record<string, unknown> {
  return {
    '/api/v1/admin/login': {
      post: {
        summary:
          'Password step of an administrator login: a login token for the second factor, and on the first login a new TOTP secret to enrol',
        security: [],
        requestBody: jsonIn(adminLoginBody),
        responses: {
          200: { description: 'next step', ...json(adminLoginReply) },
          ...errors,
        },
      },
    },
    '/api/v1/admin/login/second-factor': {
      post: {
        summary:
          'A TOTP code (or a recovery code) completes the login; enrolment returns 10 recovery codes once',
        security: [],
        requestBody: jsonIn(secondFactorBody),
        responses: {
          200: { description: 'session', ...json(secondFactorReply) },
          ...errors,
        },
      },
    },
    '/api/v1/admin/logout': {
      post: { summary: 'Ends this session', responses: { 204: { description: 'ended' }, ...errors } },
    },
    '/api/v1/admin/me': {
      get: {
        summary: 'Who this credential is: the operator, or a building administrator and their buildings',
        responses: { 200: { description: 'principal', ...json(adminMeReply) }, ...errors },
      },
    },
    '/api/v1/admin/accounts': {
      get: {
        summary: 'Administrator accounts (operator only)',
        responses: {
          200: { description: 'accounts', ...json(adminAccountsReply) },
          ...errors,
        },
      },
      post: {
        summary: 'Create an account (operator only)',
        requestBody: jsonIn(newAccountBody),
        responses: { 201: account, ...errors },
      },
    },
    '/api/v1/admin/accounts/{id}': {
      parameters: [pathId('id')],
      patch: {
        summary:
          'Change an account; a new password, role, grants or disabling end its sessions (operator only)',
        requestBody: jsonIn(accountPatchBody),
        responses: { 200: account, ...errors },
      },
      delete: {
        summary: 'Delete an account (operator only)',
        responses: { 204: { description: 'deleted' }, ...errors },
      },
    },
    '/api/v1/admin/accounts/{id}/reset-second-factor': {
      post: {
        summary:
          "Remove the account's TOTP and recovery codes (a lost phone): the next login enrols again (operator only)",
        parameters: [pathId('id')],
        responses: { 200: account, ...errors },
      },
    },
    '/api/v1/admin/changes': {
      get: {
        summary:
          'The change log, newest first: who changed what and when (a building administrator sees their buildings)',
        parameters: queryParameters(changesQuery),
        responses: {
          200: { description: 'changes', ...json(changesReply) },
          ...errors,
        },
      },
    },
  };
}
