/**
 * Building blocks of the OpenAPI 3.1 documents (the panel's local API, the hub's admin and resident
 * APIs), derived from the same zod schemas that validate the requests.
 */
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

/** One query parameter per field of a query schema. */
export const queryParameters = (schema: z.ZodType) =>
  Object.entries(schemaOf(schema, 'input').properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    schema: s,
  }));
