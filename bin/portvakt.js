#!/usr/bin/env node
// Runs the built panel (dist/, `npm run build`) when present — smaller and faster to start — and the
// TypeScript sources otherwise.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../device/cli.ts', import.meta.url).href);
