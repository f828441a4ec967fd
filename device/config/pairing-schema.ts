/** The `pairing` section of the panel config (device/config/schema.ts holds the rest). */
import { z } from 'zod';
import { filePath } from './config-fields.ts';

/**
 * Where an unpaired panel asks for its pairing code (device/pairing/). A config with `pairing` and no
 * `sync` is an unpaired panel: it shows a code, an administrator claims it at the hub, and the panel
 * writes what it receives to `<store dir>/provisioned.yaml`, layered over this file (config/layered.ts).
 * The image's base config thus holds only the wiring and this section.
 */
export const pairingConfigSchema = z
  .object({
    hubUrl: z
      .string()
      .regex(
        /^https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/,
        'must be an https:// URL such as "https://hub.example.com"',
      )
      .describe("the hub's API as the panel reaches it (https://; http:// only to this machine)"),
    ca: filePath
      .optional()
      .describe("PEM file of the CA the hub's certificate must chain to (pinned); default: the system's"),
  })
  .strict()
  .superRefine((p, ctx) => {
    const host = /^https?:\/\/([^/:]+|\[[^\]]+\])/.exec(p.hubUrl)?.[1] ?? '';
    const local = host === 'localhost' || host.startsWith('127.') || host === '[::1]';
    if (p.hubUrl.startsWith('http://') && !local)
      ctx.addIssue({
        code: 'custom',
        path: ['hubUrl'],
        message: 'http:// (no TLS) is allowed only to 127.0.0.1',
      });
    if (p.hubUrl.startsWith('http://') && p.ca)
      ctx.addIssue({ code: 'custom', path: ['ca'], message: 'ca needs an https:// hubUrl' });
  });
