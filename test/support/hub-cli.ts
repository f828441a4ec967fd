/** The hub's CLI (`portvakt-hub …`) run in-process on a data dir, with what it prints captured. */
import type { CliIo } from '../../cloud-sync/hub/cli/common.ts';
import { runHubCli } from '../../cloud-sync/hub/cli.ts';

export interface HubCliRun {
  code: number;
  out: string;
  err: string;
}

export async function hubCli(dataDir: string, ...argv: string[]): Promise<HubCliRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: { PORTVAKT_HUB_DATA_DIR: dataDir },
  };
  const code = await runHubCli(argv, io);
  return { code, out, err };
}
