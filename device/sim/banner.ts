import type { PanelConfig } from '../config/schema.ts';
import { DEMO_CARDS } from './demo-building.ts';

/** What a newcomer needs after `portvakt --sim`: where the API is and commands to paste. */
export function printSimulatorBanner(
  config: PanelConfig,
  address: { host: string; port: number },
  installerToken: string | undefined,
  installerPin?: string | undefined,
): void {
  const lines = [
    '',
    `portvakt simulator — panel "${config.panel.name}" is ready`,
    ...panelBannerLines(config, address, installerToken, installerPin),
    '',
    '  Ctrl-C stops the panel with every relay locked.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The panel's part of a simulator banner: its API and copy-paste examples. */
export function panelBannerLines(
  config: PanelConfig,
  address: { host: string; port: number },
  installerToken: string | undefined,
  installerPin?: string | undefined,
): string[] {
  const base = `http://${address.host}:${address.port}`;
  const reader = config.readers[0]?.id ?? 'READER';
  const door = config.doors[0]?.id ?? 'DOOR';
  // The audit log needs a token: the read token, or the installer token, which reads it too.
  const readToken = config.api.readToken ?? installerToken;
  const eventsAuth = readToken ? ` -H 'authorization: Bearer ${readToken}'` : '';
  const lines = [
    `  local API     ${base}   (OpenAPI: ${base}/api/v1/openapi.json)`,
    ...(config.intercom?.enabled
      ? [
          `  Panel page    ${base}/panel/   (the directory a visitor sees: ring a bell from here)`,
          '                ring "Anna Andersson" and answer in the resident app (log in as the banner says)',
        ]
      : []),
    ...(installerPin
      ? [`  Installer     ${base}/panel/installer.html   PIN ${installerPin} (random per start)`]
      : []),
    '',
    "  Tap a resident's card on the entrance reader (the door unlocks for 5 s):",
    `    curl -s -X POST ${base}/api/v1/sim/readers/${reader}/tap -H 'content-type: application/json' -d '{"uid":"${DEMO_CARDS.resident}"}'`,
    '  Tap an unknown card (denied):',
    `    curl -s -X POST ${base}/api/v1/sim/readers/${reader}/tap -H 'content-type: application/json' -d '{"uid":"${DEMO_CARDS.unknown}"}'`,
    '  Watch relays, doors and the audit log:',
    `    curl -s ${base}/api/v1/sim/relays; curl -s ${base}/api/v1/doors; curl -s '${base}/api/v1/events?after=0&limit=20'${eventsAuth}`,
    '  Open the door without a card (forced-open alarm), then close it:',
    `    curl -s -X POST ${base}/api/v1/sim/inputs/${door}.doorContact -H 'content-type: application/json' -d '{"active":true}'`,
  ];
  if (installerToken) {
    lines.push(
      '  Installer unlock:',
      `    curl -s -X POST ${base}/api/v1/doors/${door}/unlock -H 'authorization: Bearer ${installerToken}'`,
    );
  }
  return lines;
}

/**
 * A panel of a real config on simulated drivers: where its simulator controls are, with this config's
 * own reader and doors, and no demo cards (its building data comes from its config and the hub).
 */
export function printSimHardwareNote(config: PanelConfig, address: { host: string; port: number }): void {
  const base = `http://${address.host}:${address.port}`;
  const simulated = [
    config.hardware.gpio === 'sim' ? 'GPIO (relays, inputs)' : undefined,
    config.hardware.reader === 'sim' ? 'card readers' : undefined,
  ].filter(Boolean);
  const lines = [
    '',
    `portvakt — panel "${config.panel.name}" is ready on simulated ${simulated.join(' and ')}`,
    `  local API     ${base}   (OpenAPI: ${base}/api/v1/openapi.json)`,
    ...(config.hardware.reader === 'sim' && config.readers[0]
      ? [
          `  Tap a card on reader ${config.readers[0].id} (a UID your building data knows):`,
          `    curl -s -X POST ${base}/api/v1/sim/readers/${config.readers[0].id}/tap -H 'content-type: application/json' -d '{"uid":"<UID>"}'`,
        ]
      : []),
    ...(config.hardware.gpio === 'sim' ? [`  Relays: curl -s ${base}/api/v1/sim/relays`] : []),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
