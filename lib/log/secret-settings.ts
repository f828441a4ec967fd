/**
 * Which settings are secrets, marked once in the schema that defines them (the panel's config, the hub's
 * settings): a config error names a secret's key but never shows its value, and the hub's `--help` shows
 * no default for it. Log lines are censored by key name (REDACTED_KEYS); a test checks that every key
 * marked here is one of those, so the two cannot drift apart.
 */
import { z } from 'zod';
import { REDACTED_KEYS } from './logger.ts';

/** `schema`, marked as a secret setting. */
export function secretSetting<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true });
}

/**
 * Whether the value at `path` of `root` is (inside) a secret: marked in the schema anywhere along the
 * path, or named by a key the logger redacts (for places the schema walk cannot see into, e.g. unions).
 */
export function isSecretAt(root: z.core.$ZodType, path: readonly PropertyKey[]): boolean {
  if (path.some((key) => typeof key === 'string' && (REDACTED_KEYS as readonly string[]).includes(key)))
    return true;
  let schema: z.core.$ZodType | undefined = root;
  for (const key of [...path, undefined]) {
    const inner = unwrapChecking(schema);
    if (inner === 'secret') return true;
    if (inner === undefined || key === undefined) return false;
    schema = child(inner, key);
  }
  return false;
}

/** The key names of every setting marked secret in `root` (for the test against REDACTED_KEYS). */
export function secretKeyNames(root: z.core.$ZodType): string[] {
  const names = new Set<string>();
  const visit = (schema: z.core.$ZodType, name: string | undefined) => {
    const inner = unwrapChecking(schema);
    if (inner === 'secret') {
      if (name !== undefined) names.add(name);
      return;
    }
    if (inner instanceof z.ZodObject) for (const [k, v] of Object.entries(inner.shape)) visit(v, k);
    else if (inner instanceof z.ZodArray) visit(inner.element, name);
  };
  visit(root, undefined);
  return [...names];
}

/** Through optional/default/prefault/nullable wrappers; 'secret' as soon as one level is marked. */
function unwrapChecking(schema: z.core.$ZodType | undefined): z.core.$ZodType | 'secret' | undefined {
  let current = schema;
  while (current !== undefined) {
    if (z.globalRegistry.get(current)?.['secret'] === true) return 'secret';
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable
    )
      current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.in;
    else return current;
  }
  return undefined;
}

function child(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType | undefined {
  if (schema instanceof z.ZodObject && typeof key === 'string') return schema.shape[key];
  if (schema instanceof z.ZodArray && typeof key === 'number') return schema.element;
  return undefined;
}
