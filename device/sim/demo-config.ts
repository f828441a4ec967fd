/**
 * The simulator's device config: a small building entrance with three doors, every kind of input wired,
 * and two readers. Used by `npm start` when no --config is given.
 */
import type { PanelConfigInput } from '../config/schema.ts';

export function demoConfig(options: {
  storePath: string;
  port: number;
  /** The local API's listen address (default loopback; the container listens on every interface). */
  host?: string;
  installerToken: string;
  /** The installer PIN's hash (installer mode on the screen); absent: installer mode is disabled. */
  installerPinHash?: string | undefined;
  /** The simulated camera's codec (default VP8). */
  codec?: 'vp8' | 'h264';
}): PanelConfigInput {
  const chip = 'pinctrl-sim';
  return {
    panel: { id: 'demo-panel', name: 'Storgatan 12, entrance A', timeZone: 'Europe/Stockholm' },
    hardware: { gpio: 'sim', reader: 'sim' },
    doors: [
      {
        id: 'main-entrance',
        name: 'Main entrance',
        relay: { chip, line: 17 },
        pulseMs: 5000,
        exitButton: { chip, line: 22, activeLow: true },
        doorContact: { chip, line: 23 },
        tamper: { chip, line: 24 },
        heldOpenAfterS: 30,
      },
      {
        id: 'bike-room',
        name: 'Bike room',
        relay: { chip, line: 18 },
        pulseMs: 3000,
        doorContact: { chip, line: 25 },
      },
      {
        id: 'garage',
        name: 'Garage gate',
        relay: { chip, line: 27, activeLow: true },
        failMode: 'safe',
        pulseMs: 10000,
        exitButton: { chip, line: 5 },
      },
    ],
    readers: [
      { id: 'entrance-reader', name: 'Sim Reader Entrance', doors: ['main-entrance'] },
      { id: 'courtyard-reader', name: 'Sim Reader Courtyard', doors: ['bike-room', 'garage'] },
    ],
    store: { path: options.storePath },
    api: {
      host: options.host ?? '127.0.0.1',
      port: options.port,
      installerToken: options.installerToken,
      ...(options.installerPinHash ? { installerPinHash: options.installerPinHash } : {}),
    },
    // A test picture and tone stand in for the camera and microphone; the resident's browser is local.
    intercom: {
      media: { camera: { driver: 'sim', codec: options.codec ?? 'vp8', audio: { driver: 'sim' } } },
      loopbackOnly: true,
    },
  };
}
