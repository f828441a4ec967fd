#!/usr/bin/env node
// `portvakt-hub`: the hub's command line (cloud-sync/hub/cli.ts), run from the TypeScript sources (Node
// strips the types). Linked onto PATH by scripts/setup.sh (scripts/link-commands.sh).
import { readProcessStdin } from '../cloud-sync/hub/cli/common.ts';
import { runHubCli } from '../cloud-sync/hub/cli.ts';

process.exitCode = await runHubCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  stdin: readProcessStdin,
});
