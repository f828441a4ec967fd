/** Device configs for end-to-end tests: one entrance door with every input, one reader. */
export function panelConfig(opts: {
  storePath: string;
  gpio?: 'sim' | 'onoff' | 'gpiod';
  reader?: 'sim' | 'pcsc';
  chip?: string;
  readerName?: string;
  lines?: { relay: number; exit: number; contact: number; tamper: number };
  pulseMs?: number;
}): Record<string, unknown> {
  const chip = opts.chip ?? 'pinctrl-sim';
  const lines = opts.lines ?? { relay: 17, exit: 22, contact: 23, tamper: 24 };
  return {
    panel: { id: 'test-panel', timeZone: 'Europe/Stockholm' },
    hardware: { gpio: opts.gpio ?? 'sim', reader: opts.reader ?? 'sim' },
    doors: [
      {
        id: 'entrance',
        name: 'Entrance',
        relay: { chip, line: lines.relay },
        pulseMs: opts.pulseMs ?? 1000,
        exitButton: { chip, line: lines.exit, debounceMs: 0 },
        doorContact: { chip, line: lines.contact, debounceMs: 0 },
        tamper: { chip, line: lines.tamper, debounceMs: 0 },
        heldOpenAfterS: 5,
      },
    ],
    readers: [{ id: 'entrance-reader', name: opts.readerName ?? 'Sim Reader', doors: ['entrance'] }],
    access: { repeatTapWindowMs: 0 },
    store: { path: opts.storePath },
    api: { host: '127.0.0.1', port: 0, installerToken: 'test-installer-token-0123456789' },
    log: { level: 'info' },
  };
}

export const INSTALLER = { authorization: 'Bearer test-installer-token-0123456789' };
