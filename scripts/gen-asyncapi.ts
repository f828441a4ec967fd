/**
 * Writes cloud-sync/protocol/asyncapi.json, the AsyncAPI 3 document of MQTT protocol v1, from the topic
 * table and the zod message schemas. `--check` fails when the committed file is stale, so the protocol
 * document and the schemas the code validates with cannot drift. The file is linted like any other JSON
 * (`npm run asyncapi` formats it with biome afterwards), so the check compares content, not layout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { asyncApiDocument } from '../cloud-sync/protocol/asyncapi.ts';

const target = new URL('../cloud-sync/protocol/asyncapi.json', import.meta.url);
const document = asyncApiDocument();

if (process.argv.includes('--check')) {
  let current: unknown;
  try {
    current = JSON.parse(readFileSync(target, 'utf8'));
  } catch {}
  // Round-trip through JSON so only what the file can hold is compared.
  if (!isDeepStrictEqual(current, JSON.parse(JSON.stringify(document)))) {
    console.error('cloud-sync/protocol/asyncapi.json is out of date: run `npm run asyncapi`');
    process.exit(1);
  }
  console.log('AsyncAPI document is up to date');
} else {
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
}
