/** `serve`: runs the hub until SIGINT/SIGTERM. Secrets come from the environment, never from argv. */
import { SystemClock } from '../../../lib/clock/clock.ts';
import { createRootLogger, moduleLogger } from '../../../lib/log/logger.ts';
import { ExecNotifySender } from '../../../lib/systemd/exec-sender.ts';
import { systemdNotifierFromEnv } from '../../../lib/systemd/notifier.ts';
import { Hub } from '../main.ts';
import { type CliIo, DATA_DIR_OPTION, parse, showHelp } from './common.ts';
import { SERVE_FLAGS, serveOptionsHelp, serveSettings } from './serve-settings.ts';

export const SERVE_HELP = `usage: portvakt-hub serve [options]

Runs the hub: store, MQTT client, config publisher, event consumer, admin HTTP API.
${serveOptionsHelp()}
`;

export async function runServe(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, { ...DATA_DIR_OPTION, ...SERVE_FLAGS });
  if (values['help']) return showHelp(io, SERVE_HELP);
  // Validated before anything starts: a bad flag leaves no trace (not even a new empty hub.db).
  const settings = serveSettings(values, io.env);
  const logger = createRootLogger({ level: settings.log.level });
  const hub = new Hub(settings, { logger });
  // Under systemd (portvakt-hub.service, Type=notify): ready once started, watchdog from this event loop.
  const notifierLog = moduleLogger(logger, 'systemd');
  const notifier = systemdNotifierFromEnv(io.env, {
    sender: new ExecNotifySender({ logger: notifierLog }),
    clock: new SystemClock(),
    logger: notifierLog,
    pid: process.pid,
  });
  await hub.start();
  notifier?.ready('ready');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  notifier?.stopping('stopping');
  await hub.stop();
  return 0;
}
