/**
 * deploy/systemd/panel.env as a map: the environment systemd's `EnvironmentFile=` and the container give
 * the panel. The simulator and the benchmarks start the panel with it too, so what they measure is the
 * panel as it ships.
 */
import { readFileSync } from 'node:fs';
import { parseEnvFile } from '../lib/env-file.ts';

const PANEL_ENV = new URL('../deploy/systemd/panel.env', import.meta.url);

export function shippedPanelEnv(): Record<string, string> {
  return parseEnvFile(readFileSync(PANEL_ENV, 'utf8'), 'deploy/systemd/panel.env');
}
