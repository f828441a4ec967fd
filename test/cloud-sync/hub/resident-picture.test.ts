/**
 * Resident pictures through the hub's resident API, with real files made here: only where the building
 * allows pictures; a decompression bomb, an SVG with a script, a text file named .jpg, a truncated JPEG and
 * a too-large file are each refused with their own message and change nothing; a good JPEG carrying EXIF
 * GPS comes back re-encoded, small, and without any metadata — and reaches the panel's directory.
 */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { configSnapshotMessage } from '../../../cloud-sync/protocol/messages.ts';
import {
  PICTURE_SIDE_PX,
  PICTURE_UPLOAD_MAX_BYTES,
} from '../../../cloud-sync/protocol/resident-self-service.ts';
import { until } from '../../../scripts/lab/until.ts';
import { type AdminApi, AUTH, adminApi, bearer } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, seed, startBroker } from './hub-harness.ts';
import { loginResident, startResidentHub } from './resident-harness.ts';

const PICTURE = '/api/v1/resident/doorbell/picture';

/** A PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid 1-bit greyscale PNG of one colour, `side` pixels square: tiny on disk, huge decoded. */
function bombPng(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  const raw = Buffer.alloc(side * (1 + Math.ceil(side / 8))); // each row: filter byte 0, then zeros
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A JPEG with EXIF GPS, as a phone writes it: a smooth gradient, or noise (which compresses badly, so it
 * makes a large file).
 */
async function jpegWithGps(width: number, height: number, noisy = false): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++)
    pixels[i] = noisy ? (i * 2654435761) >>> 24 : (Math.floor(i / 3) % width) + Math.floor(i / 3 / width);
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Phone 12' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '59/1 19/1 4/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '18/1 4/1 6/1',
      },
    })
    .toBuffer();
}

const GPS_IFD_TAG = Buffer.from([0x25, 0x88]); // tag 0x8825 (GPS IFD pointer), little-endian as sharp writes

describe('resident pictures', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let panel: FakePanel;
  let alice: Record<string, string>;
  const upload = (file: Buffer) => call('PUT', PICTURE, { image: file.toString('base64') }, alice);
  const pictureOnPanel = () => {
    const all = panel.on('config/desired');
    const last = all[all.length - 1];
    return (
      last && configSnapshotMessage.parse(last.payload).data.residents.find((r) => r.id === 'alice')?.picture
    );
  };

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startResidentHub({ brokerUrl: broker.url });
    call = adminApi(hub);
    seed(hub);
    hub.store.entities.create('doorbells', {
      id: 'bell-alice',
      panelId: 'p1',
      residentId: 'alice',
      type: 'separate',
      displayText: 'Alice',
    });
    panel = await fakePanel(broker.url, 'p1');
    alice = bearer((await loginResident(call, 'alice')).token);
  });
  afterAll(async () => {
    await panel.close();
    await hub.stop();
    await broker.close();
  });

  it('refuses any picture where the building does not allow pictures', async () => {
    const res = await upload(await jpegWithGps(64, 64));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('your building does not allow pictures on its panels');
    expect(hub.store.entities.get('residents', 'alice').picture).toBeNull();
    expect((await call('PATCH', '/api/v1/buildings/b1', { picturesAllowed: true }, AUTH)).status).toBe(200);
  });

  it('refuses bombs, SVG, text, truncated and too large files, each with its message', async () => {
    const good = await jpegWithGps(400, 300);
    let big = await jpegWithGps(700, 700, true);
    expect(big.length).toBeGreaterThan(PICTURE_UPLOAD_MAX_BYTES);
    big = big.subarray(0, PICTURE_UPLOAD_MAX_BYTES + 10 * 1024); // still fits the request body limit
    const cases: [string, Buffer, string][] = [
      ['a 20000x20000 PNG bomb', bombPng(20_000), 'larger than 16 megapixels'],
      [
        'an SVG with a script',
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
        ),
        'not a JPEG, PNG or WebP picture',
      ],
      [
        'a text file named .jpg',
        Buffer.from('hello, this is not a picture\n'),
        'not a JPEG, PNG or WebP picture',
      ],
      ['a truncated JPEG', good.subarray(0, Math.floor(good.length / 2)), 'truncated or damaged'],
      ['a PNG header and nothing else', bombPng(8).subarray(0, 20), 'truncated or damaged'],
      ['a too large file', big, `at most ${PICTURE_UPLOAD_MAX_BYTES / 1024} KiB`],
      ['an empty file', Buffer.alloc(0), 'empty'],
    ];
    for (const [what, file, message] of cases) {
      const res = await upload(file);
      expect(res.status, what).toBe(400);
      expect(JSON.stringify(res.body.error), what).toContain(message);
    }
    expect(hub.store.entities.get('residents', 'alice').picture).toBeNull();
  });

  it('re-encodes a good JPEG: small, no EXIF (no GPS), on the panel', async () => {
    const original = await jpegWithGps(1200, 900);
    expect(original.length).toBeLessThanOrEqual(PICTURE_UPLOAD_MAX_BYTES);
    const exif = (await sharp(original).metadata()).exif;
    expect(exif?.includes(GPS_IFD_TAG)).toBe(true);

    const res = await upload(original);
    expect(res.status).toBe(200);
    const uri = res.body.picture as string;
    expect(uri).toMatch(/^data:image\/jpeg;base64,/);
    const stored = Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64');
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: PICTURE_SIDE_PX, height: 240 });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(stored.includes(Buffer.from('Exif'))).toBe(false);
    expect(stored.includes(Buffer.from('PhoneMaker'))).toBe(false);
    await until(() => pictureOnPanel() === uri, 'the picture in the directory of p1');

    // Removing it clears it on the panel too.
    expect((await call('DELETE', PICTURE, undefined, alice)).body.picture).toBeNull();
    await until(() => pictureOnPanel() === null, 'the picture gone from p1');
  });
});
