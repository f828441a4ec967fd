/**
 * The hub's `pairing` settings (part of settings.ts): where paired panels find the broker, and the bounds
 * on the unauthenticated side (anyone who reaches the hub can ask for a code). Absent: pairing is off and
 * its routes answer 404.
 */
import { z } from 'zod';

const bucket = (burst: number, perMinute: number) =>
  z
    .object({
      burst: z.number().int().min(1).default(burst).describe('requests allowed at once'),
      perMinute: z.number().min(0.01).default(perMinute).describe('sustained requests per minute'),
    })
    .strict()
    .prefault({});

const MINUTE = 60_000;

export const pairingSettingsSchema = z
  .object({
    brokerUrl: z
      .string()
      .regex(
        /^mqtts?:\/\/[^\s/]+(?::\d+)?\/?$/,
        'must be mqtts://host[:port] (or mqtt:// on a trusted network)',
      )
      .describe("the broker as panels reach it: each paired panel's kit gets it (sync.brokerUrl)"),
    brokerCaFile: z
      .string()
      .min(1)
      .optional()
      .describe("PEM file of the CA the broker's certificate chains to: sent in each kit, the panel pins it"),
    mqttVersion: z
      .union([z.literal(5), z.literal(4)], { error: 'must be 4 or 5' })
      .default(5)
      .describe("the panels' MQTT version at this broker (4 for the embedded broker)"),
    codeTtlMs: z
      .number()
      .int()
      .min(MINUTE)
      .max(60 * MINUTE)
      .default(15 * MINUTE)
      .describe('how long a code shown on a panel stays valid (the panel then asks for a new one)'),
    kitTtlMs: z
      .number()
      .int()
      .min(MINUTE)
      .max(24 * 60 * MINUTE)
      .default(60 * MINUTE)
      .describe('how long a claimed kit waits for its panel; then it is deleted (claim again with reissue)'),
    maxOpenRequests: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(1000)
      .describe('open pairing requests at once, all addresses together'),
    maxOpenPerAddress: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(20)
      .describe('open pairing requests from one address (a site installing several panels behind one NAT)'),
    requestsPerAddress: bucket(10, 10).describe('new pairing requests per client address'),
    pollsPerAddress: bucket(60, 120).describe("panels' polls per client address"),
    claimsPerAdmin: bucket(10, 10).describe('claims per administrator (wrong codes included)'),
  })
  .strict();

export type PairingSettings = z.output<typeof pairingSettingsSchema>;
