#!/usr/bin/env node
/**
 * `portvakt --config FILE` runs a panel; `portvakt --sim` (what `npm start` does) runs the simulator with
 * a demo building. Exit codes: 0 clean stop, 2 bad config or arguments, 1 runtime failure, 75 a
 * factory reset where the process could not start itself again (a supervisor restarts it).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SystemClock } from '../lib/clock/clock.ts';
import { hashPin, randomPin } from '../lib/crypto/pin-hash.ts';
import { ConfigError, errorMessage } from '../lib/errors.ts';
import { LogRing } from '../lib/log/log-ring.ts';
import { createRootLogger, type Logger, moduleLogger } from '../lib/log/logger.ts';
import { ExecNotifySender } from '../lib/systemd/exec-sender.ts';
import { systemdNotifierFromEnv } from '../lib/systemd/notifier.ts';
import { loadLayeredConfig } from './config/layered.ts';
import { configFileExposure, validateConfig } from './config/load.ts';
import type { PanelConfig } from './config/schema.ts';
import { eraseConfigSecrets } from './installer/config-secrets.ts';
import { Panel } from './main.ts';
import { printSimHardwareNote, printSimulatorBanner } from './sim/banner.ts';
import { demoBuilding } from './sim/demo-building.ts';
import { demoConfig } from './sim/demo-config.ts';

const HELP = `portvakt — door intercom and access-control panel

Usage:
  portvakt --config FILE        run a panel with the device config FILE (YAML)
  portvakt --sim [options]      run the simulator: simulated GPIO and readers, a demo building
  portvakt set-installer-pin --config FILE
                                set the installer PIN (read from standard input; --help)

Options:
  -c, --config FILE     device config (see device/config/example.yaml; JSON Schema in
                        device/config/portvakt.schema.json)
      --sim             simulator mode (ignored parts of --config: none; without --config a demo
                        config is used)
      --data-dir DIR    simulator: where the demo database lives (default ./var/sim)
      --port N          simulator: local API port (default 8080; 0 picks a free one)
      --host ADDR       simulator: local API listen address (default 127.0.0.1; the container
                        uses 0.0.0.0 so that a published port reaches it)
      --check-config    validate --config and exit (0 valid, 2 invalid)
      --log-level L     trace|debug|info|warn|error|silent (overrides the config)
  -h, --help            this text
`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'set-installer-pin') {
    const { runSetInstallerPin, processPinIo } = await import('./installer/set-pin-cli.ts');
    return runSetInstallerPin(argv.slice(1), processPinIo());
  }
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    process.stderr.write(`portvakt: ${errorMessage(err)}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  let config: PanelConfig;
  let simToken: string | undefined;
  let simPin: string | undefined;
  try {
    if (args.config) {
      // With <data dir>/provisioned.yaml (pairing) layered over it, when the panel is paired.
      config = loadLayeredConfig(args.config);
    } else if (args.sim) {
      simToken = randomBytes(16).toString('hex');
      simPin = randomPin();
      const dataDir = resolve(args['data-dir'] ?? 'var/sim');
      mkdirSync(dataDir, { recursive: true });
      config = validateConfig(
        demoConfig({
          storePath: `${dataDir}/panel.db`,
          port: Number(args.port ?? 8080),
          host: args.host ?? '127.0.0.1',
          installerToken: simToken,
          installerPinHash: await hashPin(simPin),
        }),
        'demo config',
      );
    } else {
      process.stderr.write(`portvakt: give --config FILE or --sim\n\n${HELP}`);
      return 2;
    }
  } catch (err) {
    process.stderr.write(`portvakt: ${errorMessage(err)}\n`);
    return err instanceof ConfigError ? 2 : 1;
  }
  if (args['check-config']) {
    process.stdout.write('config is valid\n');
    return 0;
  }
  if (args['log-level']) config.log.level = args['log-level'] as PanelConfig['log']['level'];
  // Every line also goes to a bounded ring in memory: installer mode's log export (lines as redacted).
  const logRing = new LogRing();
  const logger = createRootLogger({ level: config.log.level, destination: logRing.tee(process.stdout) });
  const exposure = args.config ? configFileExposure(args.config) : undefined;
  if (exposure) logger.warn(exposure);
  return run(config, logger, {
    seedDemo: Boolean(args.sim && !args.config),
    simToken,
    simPin,
    logRing,
    configPath: args.config,
  });
}

async function run(
  initial: PanelConfig,
  logger: Logger,
  opts: {
    seedDemo: boolean;
    simToken?: string | undefined;
    simPin?: string | undefined;
    logRing: LogRing;
    configPath?: string | undefined;
  },
): Promise<number> {
  let panel: Panel | undefined;
  let stopping: Promise<void> | undefined;
  let signalled = false;
  let paired = false;
  // Under systemd (portvakt-panel.service, Type=notify): READY=1 once started, the watchdog pinged from
  // this event loop, STOPPING=1 at a stop. Nothing without NOTIFY_SOCKET (simulator, container, tests).
  const notifierLog = moduleLogger(logger, 'systemd');
  const notifier = systemdNotifierFromEnv(process.env, {
    sender: new ExecNotifySender({ logger: notifierLog }),
    clock: new SystemClock(),
    logger: notifierLog,
    pid: process.pid,
  });
  const shutdown = (reason: string) => {
    if (stopping || !panel) return;
    logger.info({ reason }, 'stopping: locking doors');
    // A panel that pairs starts again in this process: it stays supervised, the pings go on.
    if (reason === 'paired') notifier?.status("paired: restarting with the hub's config");
    else notifier?.stopping(`stopping (${reason}): locking doors`);
    stopping = panel.stop();
  };
  const onSignal = (signal: string) => {
    signalled = true;
    shutdown(signal);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('uncaughtException', (err) => {
    // Last line of defence: lock everything and exit non-zero so the supervisor restarts us.
    logger.error({ err }, 'uncaught exception; locking doors and exiting');
    void (panel?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  });
  let config = initial;
  // A panel that pairs restarts in this process (same pid for the supervisor): stopped with its doors
  // locked, then started again on the base config with the kit it saved (config/layered.ts).
  for (;;) {
    paired = false;
    stopping = undefined;
    panel = new Panel({
      config,
      logger,
      panelUiDir: findPanelUi(),
      logRing: opts.logRing,
      onFactoryReset: () => {
        // The keys in a hand-written config go too (installer/config-secrets.ts), before the restart.
        if (opts.configPath) eraseConfigSecrets(opts.configPath, logger);
        restartProcess(logger);
      },
      onPaired: () => {
        paired = true;
        shutdown('paired');
      },
    });
    try {
      await panel.start();
      if (opts.seedDemo) panel.store?.buildingData.replaceBuildingData(demoBuilding());
    } catch (err) {
      logger.error({ err: errorMessage(err) }, 'panel failed to start');
      process.stderr.write(`portvakt: failed to start: ${errorMessage(err)}\n`);
      return 1;
    }
    const address = panel.apiAddress();
    logger.info({ ...address, panelId: config.panel.id }, 'panel ready');
    // Relays locked, store open, API listening (Panel.start's order): now systemd may order the kiosk
    // after us and the watchdog starts.
    notifier?.ready(`ready: panel ${config.panel.id}, API on ${address.host}:${address.port}`);
    // The demo banner names demo cards and inputs: only for the demo building. A real config that uses
    // the simulated drivers (a bench test of its wiring) gets a note without invented data.
    if (opts.seedDemo) printSimulatorBanner(config, address, opts.simToken, opts.simPin);
    else if (config.hardware.gpio === 'sim' || config.hardware.reader === 'sim')
      printSimHardwareNote(config, address);
    await new Promise<void>((resolveStop) => {
      const wait = setInterval(() => {
        if (stopping) {
          clearInterval(wait);
          stopping.then(resolveStop, resolveStop);
        }
      }, 50);
    });
    if (!paired || signalled || !opts.configPath) return 0;
    try {
      config = loadLayeredConfig(opts.configPath);
    } catch (err) {
      process.stderr.write(`portvakt: after pairing: ${errorMessage(err)}\n`);
      return err instanceof ConfigError ? 2 : 1;
    }
    logger.info({ panelId: config.panel.id }, 'restarting paired');
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      sim: { type: 'boolean' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'check-config': { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`portvakt: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);

/** A process exit code that asks the supervisor (systemd's Restart=) to start the panel again. */
const RESTART_EXIT_CODE = 75;

/**
 * Starts this process again after a factory reset: the same program and arguments in place of this one
 * (execve: same process id, so systemd, the simulator and tests keep following it), reading its config
 * and a data folder that is now empty. Where execve is unavailable, exits for the supervisor to restart.
 */
function restartProcess(logger: Logger): never {
  const args = [...process.execArgv, process.argv[1]!, ...process.argv.slice(2)];
  try {
    process.execve?.(process.execPath, [process.execPath, ...args], process.env);
  } catch (err) {
    logger.error({ err: errorMessage(err) }, 'could not restart in place; exiting for the supervisor');
  }
  process.exit(RESTART_EXIT_CODE);
}

/** The built panel page: beside the bundle (dist/cli.js) or, run from source, in dist/ of the checkout. */
function findPanelUi(): string | undefined {
  for (const candidate of ['./panel-ui/', '../dist/panel-ui/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(resolve(dir, 'index.html'))) return dir;
  }
  return undefined;
}
