/**
 * What the kiosk costs in memory: the proportional set size (PSS, /proc/PID/smaps_rollup) of each of its
 * processes — cage, every Chromium process, the kiosk's own Node processes and swayidle. PSS divides a
 * page shared by several processes among them, so the sum is what the kiosk takes from the board (RSS
 * would count Chromium's shared pages once per process).
 *
 * PSS splits a shared page with every process that maps it, also with processes that are not the
 * kiosk's — on a shared machine, another program's Chromium halves the share of Chromium's code pages.
 * So `uniqueMb` also counts the kiosk's physical pages themselves, each once, whoever else maps them
 * (root only: page frame numbers from /proc/PID/pagemap): what the kiosk takes from a board where it is
 * the only browser. Shared libraries count in full there.
 *
 * The kiosk's processes are the launcher's descendants, plus Chromium's crash handlers, which detach
 * from their parent (found by the kiosk runtime dir in their command line).
 *
 * On a panel: node scripts/kiosk/kiosk-memory.ts [LAUNCHER_PID]  (default: the portvakt-kiosk service's)
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

export type KioskPart = 'compositor' | 'browser' | 'session' | 'other';

export interface KioskProcess {
  pid: number;
  part: KioskPart;
  command: string;
  pssKb: number;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function commandLine(pid: number): string {
  return read(`/proc/${pid}/cmdline`).replace(/\0+$/, '').replaceAll('\0', ' ');
}

function parentOf(pid: number): number | undefined {
  const ppid = /^PPid:\s+(\d+)/m.exec(read(`/proc/${pid}/status`))?.[1];
  return ppid === undefined ? undefined : Number(ppid);
}

export function pssKb(pid: number): number {
  return Number(/^Pss:\s+(\d+)/m.exec(read(`/proc/${pid}/smaps_rollup`))?.[1] ?? 0);
}

function partOf(command: string): KioskPart {
  const program = command.split(' ')[0] ?? '';
  if (program.endsWith('/cage') || program === 'cage') return 'compositor';
  if (program.includes('chromium') || program.includes('chrome_crashpad')) return 'browser';
  // The kiosk's own processes: the session (Node), swayidle, the launcher shell.
  if (/(^|\/)(node|swayidle|bash)$/.test(program)) return 'session';
  return 'other';
}

/** The launcher and its descendants, and any process whose command line names `marker` (the runtime dir). */
export function kioskPids(launcherPid: number, marker?: string): number[] {
  const all = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
  const parents = new Map(all.map((pid) => [pid, parentOf(pid)]));
  const found = new Set<number>([launcherPid]);
  // Descendants: repeat until no process is added (a tree is a handful of levels deep).
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!found.has(pid) && ppid !== undefined && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  if (marker) for (const pid of all) if (commandLine(pid).includes(marker)) found.add(pid);
  return [...found].filter((pid) => read(`/proc/${pid}/status`) !== '').sort((a, b) => a - b);
}

export function kioskProcesses(launcherPid: number, marker?: string): KioskProcess[] {
  return kioskPids(launcherPid, marker).map((pid) => {
    const command = commandLine(pid);
    return { pid, part: partOf(command), command, pssKb: pssKb(pid) };
  });
}

/** Megabytes (MiB) per part, one decimal. */
export function pssByPart(processes: readonly KioskProcess[]): Record<KioskPart, number> {
  const mb: Record<KioskPart, number> = { compositor: 0, browser: 0, session: 0, other: 0 };
  for (const p of processes) mb[p.part] += p.pssKb / 1024;
  for (const part of Object.keys(mb) as KioskPart[]) mb[part] = Number(mb[part].toFixed(1));
  return mb;
}

const PAGE_BYTES = 4096;
const PAGEMAP_CHUNK_PAGES = 128 * 1024;

/** Address ranges of a process's mappings that have resident pages (from /proc/PID/smaps). */
function residentRanges(pid: number): [number, number][] {
  const ranges: [number, number][] = [];
  let current: [number, number] | undefined;
  for (const line of read(`/proc/${pid}/smaps`).split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (head) current = [Number.parseInt(head[1]!, 16), Number.parseInt(head[2]!, 16)];
    else if (current && /^Rss:\s+[1-9]/.test(line)) ranges.push(current);
  }
  return ranges;
}

/**
 * Physical pages mapped by any of the processes, each counted once, in MiB; undefined without the
 * right to read page frame numbers (they read as 0 unless root).
 */
export function uniqueMb(pids: readonly number[]): number | undefined {
  const frames = new Set<number>();
  let readable = false;
  const buffer = Buffer.alloc(PAGEMAP_CHUNK_PAGES * 8);
  for (const pid of pids) {
    let fd: number;
    try {
      fd = openSync(`/proc/${pid}/pagemap`, 'r');
    } catch {
      continue;
    }
    try {
      for (const [start, end] of residentRanges(pid)) {
        for (let page = start / PAGE_BYTES; page < end / PAGE_BYTES; page += PAGEMAP_CHUNK_PAGES) {
          const count = Math.min(PAGEMAP_CHUNK_PAGES, end / PAGE_BYTES - page);
          const bytes = readSync(fd, buffer, 0, count * 8, page * 8);
          for (let i = 0; i + 8 <= bytes; i += 8) {
            const entry = buffer.readBigUInt64LE(i);
            // Bit 63: present in RAM; bits 0–54: the page frame number.
            if (entry >> 63n === 0n) continue;
            const frame = Number(entry & 0x7f_ffff_ffff_ffffn);
            if (frame !== 0) readable = true;
            frames.add(frame);
          }
        }
      }
    } catch {
      // The process ended while it was read: its pages are no longer the kiosk's.
    } finally {
      closeSync(fd);
    }
  }
  return readable ? Number(((frames.size * PAGE_BYTES) / 2 ** 20).toFixed(1)) : undefined;
}

/** The launcher: `bash …/portvakt-kiosk` (not a Chromium whose profile path names the kiosk). */
function servicePid(): number | undefined {
  for (const e of readdirSync('/proc')) {
    if (/^\d+$/.test(e) && /^\S*bash \S*\/portvakt-kiosk( |$)/.test(commandLine(Number(e)))) return Number(e);
  }
  return undefined;
}

if (import.meta.main) {
  const pid = process.argv[2] ? Number(process.argv[2]) : servicePid();
  if (!pid) {
    process.stderr.write(
      'usage: node scripts/kiosk/kiosk-memory.ts [LAUNCHER_PID] (no portvakt-kiosk found)\n',
    );
    process.exit(2);
  }
  const runtimeDir = /XDG_RUNTIME_DIR=([^\0]+)/.exec(read(`/proc/${pid}/environ`))?.[1];
  const processes = kioskProcesses(pid, runtimeDir ? `${runtimeDir}/portvakt-kiosk` : undefined);
  for (const p of processes)
    console.log(
      `${(p.pssKb / 1024).toFixed(1).padStart(7)} MB  ${p.part.padEnd(10)} ${p.command.slice(0, 100)}`,
    );
  console.log(
    JSON.stringify({ pssMb: pssByPart(processes), uniqueMb: uniqueMb(processes.map((p) => p.pid)) }),
  );
}
