/**
 * The kiosk as the panel runs it (bin/portvakt-kiosk: cage, the kiosk session, Chromium), without a
 * screen, for the kiosk test and the kiosk memory figure: cage's headless backend with no input devices
 * and its software renderer, as an unprivileged user (cage refuses root; the lab runs as root, so the
 * kiosk runs as `nobody` through setpriv), a DevTools port on 127.0.0.1 so the caller can look at the
 * page (connectOverCDP), and a stand-in backlight (a directory with a `bl_power` file).
 *
 * Its files live in a directory under /tmp that `nobody` can reach (the lab's TMPDIR is root's only),
 * removed by dispose().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kioskPids } from '../kiosk/kiosk-memory.ts';
import { freePort } from './free-port.ts';
import { until } from './until.ts';

const LAUNCHER = new URL('../../bin/portvakt-kiosk', import.meta.url).pathname;
const NOBODY = 65534;

export interface LabKiosk {
  /** The launcher's PID (bin/portvakt-kiosk); cage, the session and Chromium are its descendants. */
  pid: number;
  /** Where the kiosk's own processes write (its XDG_RUNTIME_DIR): names them in /proc. */
  runtimeDir: string;
  /** `http://127.0.0.1:PORT`, Chromium's DevTools endpoint. */
  devtools: string;
  /** The stand-in backlight's bl_power: "0" lit, "4" dark. */
  backlightPower(): string;
  /** The PIDs of every kiosk process now (launcher, cage, session, swayidle, Chromium). */
  pids(): number[];
  output(): string;
  /** SIGTERM to the launcher, as systemd stops it; resolves with its exit code (null: by a signal). */
  stop(): Promise<number | null>;
  /** Stops it if needed, SIGKILLs by PID whatever of it is left, removes its files. */
  dispose(): Promise<void>;
}

export interface LabKioskOptions {
  url: string;
  /** The kiosk config's `blanking` section (YAML text, indented two spaces). */
  blanking?: string;
}

export async function startLabKiosk(options: LabKioskOptions): Promise<LabKiosk> {
  const dir = mkdtempSync('/tmp/portvakt-kiosk-');
  chmodSync(dir, 0o755);
  const runtimeDir = join(dir, 'run');
  const backlight = join(dir, 'backlight');
  for (const d of [runtimeDir, backlight]) {
    mkdirSync(d, { mode: 0o700 });
    chownSync(d, NOBODY, NOBODY);
  }
  writeFileSync(join(backlight, 'bl_power'), '0');
  chownSync(join(backlight, 'bl_power'), NOBODY, NOBODY);
  const port = await freePort();
  const config = join(dir, 'kiosk.yaml');
  writeFileSync(
    config,
    [
      `url: ${options.url}`,
      'chromium:',
      `  debugPort: ${port}`,
      'blanking:',
      `  backlight: ${backlight}`,
      options.blanking ?? '  enabled: false',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', LAUNCHER, '--config', config],
    {
      env: {
        ...process.env,
        HOME: runtimeDir,
        XDG_RUNTIME_DIR: runtimeDir,
        WLR_BACKENDS: 'headless',
        WLR_LIBINPUT_NO_DEVICES: '1',
        WLR_RENDERER: 'pixman',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = child.pid ?? -1;
  const marker = join(runtimeDir, 'portvakt-kiosk');
  const kiosk: LabKiosk = {
    pid,
    runtimeDir,
    devtools: `http://127.0.0.1:${port}`,
    backlightPower: () => readFileSync(join(backlight, 'bl_power'), 'utf8').trim(),
    pids: () => (child.exitCode === null ? kioskPids(pid, marker) : kioskPids(-1, marker)),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    dispose: async () => {
      const left = kiosk.pids();
      await kiosk.stop();
      // Whatever a broken stop left behind goes by PID (the kiosk test asserts that nothing did).
      for (const p of [...left, ...kiosk.pids()]) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`the kiosk exited (${child.exitCode}):\n${output}`);
      const res = await fetch(`${kiosk.devtools}/json/version`).catch(() => undefined);
      return res?.ok;
    },
    "the kiosk's DevTools port",
    30_000,
    100,
  ).catch(async (err: Error) => {
    await kiosk.dispose();
    throw new Error(`${err.message}\n${output}`);
  });
  return kiosk;
}
