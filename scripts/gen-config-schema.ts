/**
 * Writes device/config/portvakt.schema.json from the zod config schema (for editors: YAML language
 * servers pick it up via `$schema`). `--check` fails when the committed file is stale, so the schema and
 * its JSON Schema cannot drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { configSchema } from '../device/config/schema.ts';

const target = new URL('../device/config/portvakt.schema.json', import.meta.url);
const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
const text = `${JSON.stringify({ ...schema, title: 'portvakt device config' }, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('device/config/portvakt.schema.json is out of date: run `npm run schema`');
    process.exit(1);
  }
  console.log('config JSON Schema is up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target.pathname}`);
}
