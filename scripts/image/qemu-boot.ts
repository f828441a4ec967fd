/**
 * Boots the panel's SD card image under qemu-system-aarch64 (`virt`, TCG) the way a Raspberry Pi would,
 * for the slow tests (image boot, supervision, updates). docs/image-layout.md, "Emulation":
 *
 *  - it plays the Pi firmware: reads `autoboot.txt` from partition 1, takes the `[tryboot]` partition
 *    once when `tryboot.flag` is there (and deletes the flag), and starts qemu with that boot
 *    partition's kernel, initramfs and `cmdline.txt` (console moved to the emulated UART, the lab flag
 *    added) — all read from the image file by offset with mtools, nothing mounted;
 *  - `-no-reboot`: a reboot ends qemu; `EmulatedPanel` then boots again (the firmware's next pass) and
 *    emits `rebooted`;
 *  - a control channel: the virtio console /dev/hvc0, where portvakt-lab-shell.service (only with
 *    `portvakt.lab=1` on the command line) runs commands as root (`exec`).
 *
 * Everything the harness starts is stopped by PID (`stop`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { until } from '../lab/until.ts';

export interface BootOptions {
  /** The card image; changed in place as on a real card (tryboot.flag consumed, the guest's writes). */
  image: string;
  /** Scratch directory: the kernel files, the console log, the control socket. */
  workDir: string;
  /** Guest TCP ports to forward from 127.0.0.1 on free host ports. */
  forward?: number[];
  /** Appended to cmdline.txt; default `portvakt.lab=1` (the control channel). */
  extraCmdline?: string;
  memoryMib?: number;
  cpus?: number;
}

export interface BootSelection {
  partition: number;
  tryboot: boolean;
}

interface Partition {
  start: number;
  size: number;
  name?: string;
}

const SECTOR = 512;

export function partitions(image: string): Partition[] {
  const json = JSON.parse(execFileSync('sfdisk', ['--json', image], { encoding: 'utf8' })) as {
    partitiontable: { partitions: Partition[] };
  };
  return json.partitiontable.partitions;
}

/** `image@@offset`, the mtools way to address a FAT file system inside a disk image. */
export function fatAt(image: string, partition: number): string {
  const part = partitions(image)[partition - 1];
  if (!part) throw new Error(`${image} has no partition ${partition}`);
  return `${image}@@${part.start * SECTOR}`;
}

export function readFat(image: string, partition: number, path: string): string | undefined {
  try {
    return execFileSync('mtype', ['-i', fatAt(image, partition), `::${path}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

export function writeFat(image: string, partition: number, path: string, content: string): void {
  const target = fatAt(image, partition);
  const dir = path.split('/').slice(0, -1).join('/');
  if (dir && readFatDir(target, dir) === undefined)
    execFileSync('mmd', ['-i', target, `::${dir}`], { stdio: 'ignore' });
  execFileSync('mcopy', ['-o', '-i', target, '-', `::${path}`], { input: content });
}

function readFatDir(target: string, dir: string): string | undefined {
  try {
    return execFileSync('mdir', ['-b', '-i', target, `::${dir}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

export function deleteFat(image: string, partition: number, path: string): void {
  execFileSync('mdel', ['-i', fatAt(image, partition), `::${path}`], { stdio: 'ignore' });
}

/** The firmware's choice: autoboot.txt's [all] boot_partition, or [tryboot]'s once if tryboot.flag is there. */
export function selectBoot(image: string): BootSelection {
  const autoboot = readFat(image, 1, 'autoboot.txt');
  if (autoboot === undefined) return { partition: 2, tryboot: false };
  const sections = new Map<string, Map<string, string>>();
  let current = 'all';
  for (const raw of autoboot.split(/\r?\n/)) {
    const line = raw.trim();
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) current = section[1]!;
    const kv = /^(\w+)\s*=\s*(\S+)$/.exec(line);
    if (kv) {
      if (!sections.has(current)) sections.set(current, new Map());
      sections.get(current)!.set(kv[1]!, kv[2]!);
    }
  }
  const primary = Number(sections.get('all')?.get('boot_partition') ?? 2);
  const flag = readFat(image, 1, 'tryboot.flag');
  if (flag !== undefined) {
    deleteFat(image, 1, 'tryboot.flag'); // one try only, as the firmware's tryboot
    const trial = Number(sections.get('tryboot')?.get('boot_partition') ?? primary);
    return { partition: trial, tryboot: true };
  }
  return { partition: primary, tryboot: false };
}

/** On the emulated machine the console is the PL011 UART; the Pi's console= settings are dropped. */
export function emulatedCmdline(cmdline: string, extra: string): string {
  const kept = cmdline
    .trim()
    .split(/\s+/)
    .filter((arg) => !arg.startsWith('console='));
  return [...kept, 'console=ttyAMA0', extra].filter(Boolean).join(' ');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ExecResult {
  code: number;
  output: string;
}

/** The line protocol of portvakt-lab-shell: "ID BASE64(cmd)" → "@@ID RC BASE64(output)". */
class LabChannel {
  readonly #path: string;
  #socket: Socket | undefined;
  #buffer = '';
  #nextId = 1;
  readonly #waiting = new Map<string, (result: ExecResult) => void>();

  constructor(path: string) {
    this.#path = path;
  }

  async exec(command: string, timeoutMs: number): Promise<ExecResult> {
    const socket = await this.#connect();
    const id = `c${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`lab exec timed out after ${timeoutMs} ms: ${command}`));
      }, timeoutMs);
      this.#waiting.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      socket.write(`${id} ${Buffer.from(command).toString('base64')}\n`);
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  async #connect(): Promise<Socket> {
    if (this.#socket && !this.#socket.destroyed) return this.#socket;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(this.#path);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', () => socket.destroy());
    this.#socket = socket;
    return socket;
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const nl = this.#buffer.indexOf('\n');
      if (nl < 0) break;
      const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(nl + 1);
      const match = /@@(\S+) (\d+) ?(\S*)$/.exec(line);
      if (!match) continue;
      const done = this.#waiting.get(match[1]!);
      if (!done) continue;
      this.#waiting.delete(match[1]!);
      done({ code: Number(match[2]), output: Buffer.from(match[3] ?? '', 'base64').toString('utf8') });
    }
  }
}

/** One boot: one qemu process. */
export class BootedMachine {
  readonly process: ChildProcess;
  readonly selection: BootSelection;
  /** Guest port → host port on 127.0.0.1. */
  readonly ports: ReadonlyMap<number, number>;
  readonly consoleLog: string;
  readonly startedAt: number;
  readonly exited: Promise<number | null>;
  readonly #lab: LabChannel;

  constructor(init: {
    process: ChildProcess;
    selection: BootSelection;
    ports: Map<number, number>;
    consoleLog: string;
    labSocket: string;
  }) {
    this.process = init.process;
    this.selection = init.selection;
    this.ports = init.ports;
    this.consoleLog = init.consoleLog;
    this.startedAt = performance.now();
    this.#lab = new LabChannel(init.labSocket);
    this.exited = new Promise((resolve) => init.process.once('exit', (code) => resolve(code)));
  }

  /** Runs a shell command as root in the guest (needs portvakt.lab=1; ready once the guest has booted). */
  exec(command: string, timeoutMs = 60_000): Promise<ExecResult> {
    return this.#lab.exec(command, timeoutMs);
  }

  /** Waits until the control channel answers; resolves with ms since qemu started. */
  async waitForLab(timeoutMs: number): Promise<number> {
    await until(
      async () => {
        try {
          return (await this.#lab.exec('true', 5_000)).code === 0;
        } catch {
          this.#lab.close();
          return false;
        }
      },
      'the lab control channel of the emulated panel',
      timeoutMs,
      1000,
    );
    return performance.now() - this.startedAt;
  }

  /** Waits for HTTP 200 from `path` on the forwarded guest port; resolves with ms since qemu started. */
  async waitForHealth(timeoutMs: number, guestPort = 8080, path = '/healthz'): Promise<number> {
    const port = this.ports.get(guestPort);
    if (!port) throw new Error(`guest port ${guestPort} is not forwarded`);
    await until(
      async () => {
        if (this.process.exitCode !== null) throw new Error(`qemu exited (${this.process.exitCode})`);
        try {
          const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
          return res.status === 200;
        } catch {
          return false;
        }
      },
      `${path} on the emulated panel`,
      timeoutMs,
      1000,
    );
    return performance.now() - this.startedAt;
  }

  console(): string {
    try {
      return readFileSync(this.consoleLog, 'utf8');
    } catch {
      return '';
    }
  }

  /** Kills qemu by its PID (SIGTERM, then SIGKILL) and waits for it to exit. */
  async stop(): Promise<void> {
    this.#lab.close();
    const pid = this.process.pid;
    if (pid === undefined || this.process.exitCode !== null || this.process.signalCode !== null) return;
    process.kill(pid, 'SIGTERM');
    const killer = setTimeout(() => {
      if (this.process.exitCode === null) process.kill(pid, 'SIGKILL');
    }, 5000);
    await this.exited;
    clearTimeout(killer);
  }
}

/** One boot of the image: the firmware's choice of partition, then qemu. */
export async function boot(options: BootOptions): Promise<BootedMachine> {
  const { image, workDir } = options;
  mkdirSync(workDir, { recursive: true });
  const selection = selectBoot(image);
  const target = fatAt(image, selection.partition);
  const bootDir = join(workDir, `boot-${selection.partition}`);
  mkdirSync(bootDir, { recursive: true });
  for (const file of ['vmlinuz', 'initrd.img', 'cmdline.txt']) {
    execFileSync('mcopy', ['-o', '-n', '-i', target, `::${file}`, join(bootDir, file)]);
  }
  const cmdline = emulatedCmdline(
    readFileSync(join(bootDir, 'cmdline.txt'), 'utf8'),
    options.extraCmdline ?? 'portvakt.lab=1',
  );
  const ports = new Map<number, number>();
  for (const guest of options.forward ?? []) ports.set(guest, await freePort());
  const hostfwd = [...ports].map(([guest, host]) => `,hostfwd=tcp:127.0.0.1:${host}-:${guest}`).join('');
  const stamp = Date.now();
  const consoleLog = join(workDir, `console-${stamp}.log`);
  const labSocket = join(workDir, `lab-${stamp}.sock`);
  const args = [
    ...['-M', 'virt', '-cpu', 'cortex-a72', '-smp', String(options.cpus ?? 2)],
    ...['-m', String(options.memoryMib ?? 1024), '-no-reboot', '-display', 'none', '-monitor', 'none'],
    ...['-serial', `file:${consoleLog}`],
    ...['-kernel', join(bootDir, 'vmlinuz'), '-initrd', join(bootDir, 'initrd.img'), '-append', cmdline],
    ...[
      '-drive',
      `file=${image},format=raw,if=none,id=card,cache=unsafe`,
      '-device',
      'virtio-blk-pci,drive=card',
    ],
    ...['-netdev', `user,id=net0${hostfwd}`, '-device', 'virtio-net-pci,netdev=net0,romfile='],
    ...['-device', 'virtio-serial-pci', '-chardev', `socket,id=lab,path=${labSocket},server=on,wait=off`],
    ...['-device', 'virtconsole,chardev=lab'],
  ];
  const child = spawn('qemu-system-aarch64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.once('exit', (code) => {
    if (code) process.stderr.write(`qemu exited ${code}: ${stderr}\n`);
  });
  return new BootedMachine({ process: child, selection, ports, consoleLog, labSocket });
}

/**
 * A panel that keeps booting: each time the guest reboots (qemu ends, -no-reboot), the firmware's choice
 * is made again and qemu starts anew; `rebooted` is emitted with the new BootedMachine. `stop` ends it.
 */
export class EmulatedPanel extends EventEmitter<{ rebooted: [BootedMachine]; halted: [number | null] }> {
  readonly #options: BootOptions;
  #machine: BootedMachine | undefined;
  #stopping = false;
  /** Boots so far (1 after start). */
  boots = 0;

  constructor(options: BootOptions) {
    super();
    this.#options = options;
  }

  get machine(): BootedMachine {
    if (!this.#machine) throw new Error('not started');
    return this.#machine;
  }

  async start(): Promise<BootedMachine> {
    this.#stopping = false;
    return this.#boot();
  }

  async #boot(): Promise<BootedMachine> {
    const machine = await boot(this.#options);
    this.#machine = machine;
    this.boots++;
    void machine.exited.then((code) => {
      if (this.#stopping) return;
      // qemu ends with 0 on a guest reboot or power-off under -no-reboot; the firmware runs again.
      if (code === 0)
        void this.#boot().then(
          (next) => this.emit('rebooted', next),
          () => this.emit('halted', code),
        );
      else this.emit('halted', code);
    });
    return machine;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#machine?.stop();
  }
}
