/** `serve`: runs the hub until SIGINT/SIGTERM. Secrets come from the environment, never from argv. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorMessage, ValidationError } from '../../../lib/errors.ts';
import { createRootLogger } from '../../../lib/log/logger.ts';
import { brokerOptions } from '../../../lib/mqtt/broker-url.ts';
import { Hub } from '../main.ts';
import { type CliIo, DATA_DIR_HELP, DATA_DIR_OPTION, dataDir, optional, parse, showHelp } from './common.ts';

export const SERVE_HELP = `usage: portvakt-hub serve [options]

Runs the hub: store, MQTT client, config publisher, event consumer, admin HTTP API.
  --broker-url URL       (env PORTVAKT_HUB_BROKER_URL, default mqtt://127.0.0.1:1883)
  --broker-username U    (env PORTVAKT_HUB_BROKER_USERNAME); password: env PORTVAKT_HUB_BROKER_PASSWORD
  --ca FILE              CA certificate for mqtts://
  --client-id ID         MQTT client id, unique per hub worker (default portvakt-hub)
  --shared-group NAME    subscribe via $share/NAME/… so several workers split the load
  --mqtt-version 4|5     default 5 (use 4 for brokers without MQTT 5)
  --http-host H          default 127.0.0.1
  --http-port N          default 8090
  --log-level L          default info
  --broker-ws-url URL    the broker's MQTT-over-WebSocket URL as residents' browsers reach it
                         (env PORTVAKT_HUB_BROKER_WS_URL); without it the resident app has no calls
  --web-dir DIR          the built resident web app, served at /app/ (default dist/web/resident)
  admin token: env PORTVAKT_HUB_ADMIN_TOKEN (at least 16 characters)
  broker auth secret: env PORTVAKT_HUB_BROKER_AUTH_SECRET (at least 16 characters) turns on
    POST /api/v1/broker/auth and /acl, the HTTP auth backend the broker asks about app devices
${DATA_DIR_HELP}
`;

export async function runServe(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, {
    ...DATA_DIR_OPTION,
    'broker-url': { type: 'string' },
    'broker-username': { type: 'string' },
    ca: { type: 'string' },
    'client-id': { type: 'string' },
    'shared-group': { type: 'string' },
    'mqtt-version': { type: 'string' },
    'http-host': { type: 'string' },
    'http-port': { type: 'string' },
    'log-level': { type: 'string' },
    'broker-ws-url': { type: 'string' },
    'web-dir': { type: 'string' },
  });
  if (values['help']) return showHelp(io, SERVE_HELP);
  const adminToken = io.env['PORTVAKT_HUB_ADMIN_TOKEN'] ?? '';
  if (adminToken.length < 16)
    throw new ValidationError('set PORTVAKT_HUB_ADMIN_TOKEN (at least 16 characters)');
  const version = optional(values, 'mqtt-version') ?? '5';
  if (version !== '4' && version !== '5') throw new ValidationError('--mqtt-version must be 4 or 5');
  const port = Number(optional(values, 'http-port') ?? '8090');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ValidationError('--http-port must be 0-65535');
  const brokerUrl =
    optional(values, 'broker-url') ?? io.env['PORTVAKT_HUB_BROKER_URL'] ?? 'mqtt://127.0.0.1:1883';
  try {
    brokerOptions(brokerUrl);
  } catch (err) {
    throw new ValidationError(`--broker-url: ${errorMessage(err)}`);
  }
  const ca = optional(values, 'ca');
  const brokerWsUrl = optional(values, 'broker-ws-url') ?? io.env['PORTVAKT_HUB_BROKER_WS_URL'];
  if (brokerWsUrl !== undefined && !/^wss?:\/\/[^\s]+$/.test(brokerWsUrl))
    throw new ValidationError('--broker-ws-url must be a ws:// or wss:// URL');
  const brokerAuthSecret = io.env['PORTVAKT_HUB_BROKER_AUTH_SECRET'] || undefined;
  if (brokerAuthSecret !== undefined && brokerAuthSecret.length < 16)
    throw new ValidationError('PORTVAKT_HUB_BROKER_AUTH_SECRET must be at least 16 characters');
  const webDir = optional(values, 'web-dir');
  const logger = createRootLogger({ level: optional(values, 'log-level') ?? 'info' });
  const hub = new Hub({
    dataDir: dataDir(values, io),
    mqtt: {
      url: brokerUrl,
      clientId: optional(values, 'client-id') ?? 'portvakt-hub',
      username: optional(values, 'broker-username') ?? io.env['PORTVAKT_HUB_BROKER_USERNAME'],
      password: io.env['PORTVAKT_HUB_BROKER_PASSWORD'],
      protocolVersion: version === '4' ? 4 : 5,
      sessionExpiryS: 7 * 24 * 3600,
      sharedGroup: optional(values, 'shared-group'),
      ca: ca ? readFileSync(ca) : undefined,
    },
    http: { host: optional(values, 'http-host') ?? '127.0.0.1', port },
    adminToken,
    residentApp: { brokerWsUrl, brokerAuthSecret, webDir: webDir ? resolve(webDir) : undefined },
    logger,
  });
  await hub.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await hub.stop();
  return 0;
}
