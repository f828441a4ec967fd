import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PcscdHandle, startPcscd } from '../../scripts/lab/pcscd.ts';
import { until } from '../../scripts/lab/until.ts';
import { VirtualCard } from '../../scripts/lab/virtual-card.ts';
import { INSTALLER, panelConfig } from '../support/configs.ts';
import { api } from '../support/http.ts';
import { type PanelProcess, startPanel, writeConfig } from '../support/panel-process.ts';
import { seedCards } from '../support/seed.ts';
import { tempDir } from '../support/temp-dir.ts';

// The whole chain with real parts: virtual MIFARE card → vpcd → pcscd → nfc-pcsc → the panel process
// → access decision → audit → relay. pcscd polls vpcd every 400 ms, so card waits allow 2 s and more.
describe('panel with a PC/SC reader (pcscd + vpcd)', () => {
  const KNOWN_4 = '04A1B2C3';
  const KNOWN_7 = '04112233445566';
  let pcscd: PcscdHandle;
  let panel: PanelProcess;
  let dir: string;

  beforeAll(async () => {
    pcscd = await startPcscd();
    dir = tempDir();
    const configPath = writeConfig(
      dir,
      panelConfig({
        storePath: join(dir, 'panel.db'),
        reader: 'pcsc',
        readerName: 'Virtual PCD',
        pulseMs: 1000,
      }),
    );
    panel = await startPanel(['--config', configPath]);
    seedCards(join(dir, 'panel.db'), 'entrance', [KNOWN_4, KNOWN_7]);
    await until(async () => (await health()).readers.length > 0, 'reader attached', 10_000);
  });
  afterAll(async () => {
    await panel?.stop();
    await pcscd?.stop();
  });

  const health = async () => (await api(panel.base, 'GET', '/healthz')).body;
  const relay = async () => (await api(panel.base, 'GET', '/api/v1/sim/relays')).body.relays[0];
  const events = async () =>
    (await api(panel.base, 'GET', '/api/v1/events?after=0&limit=1000', undefined, INSTALLER)).body.events as {
      type: string;
      data: Record<string, unknown>;
    }[];
  const present = async (uid: string, after: (card: VirtualCard) => Promise<void>) => {
    const card = new VirtualCard({ uid, port: pcscd.port });
    await card.insert();
    try {
      await after(card);
    } finally {
      await card.remove();
    }
  };

  it.each([
    ['4-byte', KNOWN_4],
    ['7-byte', KNOWN_7],
  ])('a known %s UID pulses the relay, which locks again', async (_kind, uid) => {
    const before = (await relay()).energizeCount;
    await present(uid, async () => {
      await until(async () => (await relay()).energizeCount === before + 1, 'relay energized', 3000);
    });
    await until(async () => !(await relay()).energized, 'relay locked again', 5000);
    const granted = (await events()).filter((e) => e.type === 'access.granted');
    expect(granted.length).toBeGreaterThan(0);
    expect(JSON.stringify(granted)).not.toContain(uid);
  });

  it('an unknown card is denied and the relay is never energized', async () => {
    const before = (await relay()).energizeCount;
    const denied = (await events()).filter((e) => e.type === 'access.denied').length;
    await present('0BADCAFE', async () => {
      await until(
        async () => (await events()).filter((e) => e.type === 'access.denied').length === denied + 1,
        'denial',
        3000,
      );
    });
    const last = (await events()).filter((e) => e.type === 'access.denied').at(-1);
    expect(last?.data['reason']).toBe('unknown_card');
    expect((await relay()).energizeCount).toBe(before);
    expect((await relay()).energized).toBe(false);
  });

  it('a card answering a garbage UID is a reader error, not a decision', async () => {
    const before = (await events()).length;
    await present('0102AB', async () => {
      await until(
        async () => (await events()).slice(before).some((e) => e.type === 'reader.error'),
        'error',
        3000,
      );
    });
    const after = (await events()).slice(before);
    expect(after.some((e) => e.type.startsWith('access.'))).toBe(false);
    expect((await api(panel.base, 'GET', '/healthz')).status).toBe(200);
  });

  it('pcscd killed and restarted: the reader comes back and the next tap works', async () => {
    const port = pcscd.port;
    await pcscd.kill('SIGKILL');
    await until(async () => (await events()).some((e) => e.type === 'reader.detached'), 'detached', 10_000);
    pcscd = await startPcscd({ port });
    await until(async () => (await health()).readers.length > 0, 'reader back', 15_000);
    const before = (await relay()).energizeCount;
    await present(KNOWN_4, async () => {
      await until(async () => (await relay()).energizeCount === before + 1, 'relay energized', 3000);
    });
  });
});
