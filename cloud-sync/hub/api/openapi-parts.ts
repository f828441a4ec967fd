/** Building blocks of the hub's OpenAPI documents, shared by the admin and the resident parts. */
import { z } from 'zod';

export const schemaOf = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' });
export const json = (schema: z.ZodType) => ({
  content: { 'application/json': { schema: schemaOf(schema, 'output') } },
});
export const jsonIn = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: schemaOf(schema, 'input') } },
});
export const pathId = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
