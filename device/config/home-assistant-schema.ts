/**
 * The `homeAssistant` section of the panel config (device/config/schema.ts holds the rest): MQTT discovery
 * on a broker the OWNER runs for Home Assistant — not the cloud sync broker. Its own login, its own
 * topics; absent, the panel never connects to it.
 */
import { z } from 'zod';
import { filePath, secretText } from './config-fields.ts';

/** MQTT topic levels without wildcards or spaces: the prefixes become the first levels of every topic. */
const topicPrefix = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/, 'must be topic levels of A-Z, a-z, 0-9, "_" or "-"');

export const homeAssistantConfigSchema = z
  .object({
    brokerUrl: z
      .string()
      .regex(
        /^mqtts?:\/\/[^\s/]+(?::\d+)?\/?$/,
        'must be mqtts://host[:port] (or mqtt:// on a trusted network)',
      )
      .describe("the owner's MQTT broker that Home Assistant uses (not the cloud sync broker)"),
    username: z.string().min(1).max(128).optional().describe('broker login'),
    password: secretText().max(1024).optional().describe('broker password'),
    ca: filePath.optional().describe('PEM file of the CA the broker certificate must chain to (pinned)'),
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 chars of A-Z, a-z, 0-9, "_" or "-"')
      .optional()
      .describe('MQTT client id; defaults to portvakt-<panel.id>'),
    discoveryPrefix: topicPrefix.default('homeassistant').describe("Home Assistant's discovery prefix"),
    topicPrefix: topicPrefix
      .default('portvakt')
      .describe('state and command topics live under <topicPrefix>/<panel.id>/'),
    allowOpen: z
      .boolean()
      .default(false)
      .describe(
        'true: the lock entities open doors (a pulse, through the same decision, audit and relay path as a card); anyone who can publish on the command topics can then open them — restrict them with broker ACLs',
      ),
    commandsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(6)
      .describe('lock commands handled per minute, sustained; more are dropped unanswered'),
    commandBurst: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(3)
      .describe('lock commands handled at once before the rate applies'),
    imageMinIntervalS: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(10)
      .describe('the visitor picture goes out at most once per this many seconds'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.password !== undefined && s.username === undefined)
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'a password needs a username' });
    if (s.brokerUrl.startsWith('mqtt://') && s.ca)
      ctx.addIssue({ code: 'custom', path: ['brokerUrl'], message: 'ca needs an mqtts:// broker' });
  });

export type HomeAssistantConfig = z.output<typeof homeAssistantConfigSchema>;
