/**
 * The `osdp` section of the panel config: RS-485 buses and the OSDP readers on them (device/config/
 * schema.ts holds the rest and checks the names against `readers[]`). Used when `hardware.reader` is
 * `osdp`. A reader's `scbk` is its Secure Channel Base Key: a secret, never shown in a config error or a
 * log line; with it the driver only ever talks to the reader through the secure channel.
 */
import { z } from 'zod';
import type { OsdpBusOptions } from '../../hal/reader/osdp/options.ts';
import { secretSetting } from '../../lib/log/secret-settings.ts';
import { filePath } from './config-fields.ts';

const osdpReader = z
  .object({
    name: z.string().min(1).describe('the reader, as named in readers[].name'),
    address: z.number().int().min(0).max(126).describe('OSDP address set on the reader (127 is broadcast)'),
    scbk: secretSetting(z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits (a 16-byte AES key)'))
      .optional()
      .describe(
        "the reader's Secure Channel Base Key; absent: an unsecured link (not for new installations)",
      ),
    installMode: z
      .boolean()
      .default(false)
      .describe(
        'hand scbk to a factory-fresh reader over the well-known install key, then use only scbk; turn off after installing',
      ),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.installMode && r.scbk === undefined)
      ctx.addIssue({ code: 'custom', path: ['installMode'], message: 'needs scbk: the key to hand over' });
  });

const osdpBus = z
  .object({
    path: filePath.describe('serial device of the RS-485 adapter, e.g. /dev/serial/by-id/usb-FTDI…'),
    baud: z
      .union([z.literal(9600), z.literal(19200), z.literal(38400), z.literal(57600), z.literal(115200)])
      .default(9600)
      .describe('line speed set on every reader of this bus'),
    readers: z.array(osdpReader).min(1).max(16),
  })
  .strict()
  .superRefine((bus, ctx) => {
    const seen = new Set<number>();
    bus.readers.forEach((r, i) => {
      if (seen.has(r.address))
        ctx.addIssue({
          code: 'custom',
          path: ['readers', i, 'address'],
          message: `address ${r.address} is used twice`,
        });
      seen.add(r.address);
    });
  });

export const osdpConfigSchema = z
  .object({ buses: z.array(osdpBus).min(1).max(4) })
  .strict()
  .superRefine((cfg, ctx) => {
    const paths = new Set<string>();
    const names = new Set<string>();
    cfg.buses.forEach((bus, i) => {
      if (paths.has(bus.path))
        ctx.addIssue({
          code: 'custom',
          path: ['buses', i, 'path'],
          message: `bus ${bus.path} is listed twice`,
        });
      paths.add(bus.path);
      bus.readers.forEach((r, j) => {
        if (names.has(r.name))
          ctx.addIssue({
            code: 'custom',
            path: ['buses', i, 'readers', j, 'name'],
            message: `reader "${r.name}" is listed twice`,
          });
        names.add(r.name);
      });
    });
  });

export type OsdpConfig = z.output<typeof osdpConfigSchema>;

/** The driver's view of the section: keys as bytes. */
export function osdpBusesFromConfig(cfg: OsdpConfig | undefined): OsdpBusOptions[] {
  return (cfg?.buses ?? []).map((bus) => ({
    path: bus.path,
    baudRate: bus.baud,
    readers: bus.readers.map((r) => ({
      name: r.name,
      address: r.address,
      scbk: r.scbk === undefined ? undefined : Buffer.from(r.scbk, 'hex'),
      installMode: r.installMode,
    })),
  }));
}
