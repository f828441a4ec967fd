// Loads every native addon (.node) of an installed tree: run by Dockerfile.arm's `verify` stage on arm64
// (under qemu on an x86 build host), so a build fails when an addon is missing, built for the wrong
// architecture or needs a library the base image lacks — not the panel, later, when it first loads it.
// Usage: node load-addons.mjs /opt/portvakt
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = process.argv[2] ?? '/opt/portvakt';
const require = createRequire(join(root, 'package.json'));

function* addons(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* addons(path);
    else if (entry.name.endsWith('.node')) yield path;
  }
}

let count = 0;
for (const path of addons(join(root, 'node_modules'))) {
  require(path);
  count++;
}
// Loading is not using: the database engine and the image library must also work.
const Database = require('better-sqlite3');
const { v } = new Database(':memory:').prepare('select sqlite_version() as v').get();
const sharp = require('sharp');
console.log(`${count} addons load on ${process.arch}; sqlite ${v}; libvips ${sharp.versions.vips}`);
