/**
 * The body of every error reply of the JSON servers (json-server.ts), the panel's local API and the
 * hub's alike: a stable code for programs, a message for people, and the validation issues when a
 * request was malformed. Both servers' OpenAPI documents describe it with this schema.
 */
import { z } from 'zod';

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.string()).optional() }),
});

export type ErrorBody = z.output<typeof errorBody>;
