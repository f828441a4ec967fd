/**
 * The memory of a running panel as /proc shows it: the panel process, its media process (werift) and its
 * GStreamer pipelines, each as resident set (RSS) and the anonymous part of it (heap, stacks; the rest is
 * file pages such as the Node binary's code), and the Node flags each Node process really runs with.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface Resident {
  rssKb: number;
  anonKb: number;
}

export interface PanelMemory {
  panel: Resident;
  media: Resident;
  gstreamer: Resident;
  /** Flags before the script in each Node process's command line (the launcher adds the panel's). */
  panelFlags: string[];
  mediaFlags: string[];
}

const none = (): Resident => ({ rssKb: 0, anonKb: 0 });

function resident(pid: number): Resident {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
  return { rssKb: field('Rss'), anonKb: field('Anonymous') };
}

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/** `node --a --b script.js args` → ['--a', '--b']. */
export function nodeFlags(argv: readonly string[]): string[] {
  const flags: string[] = [];
  for (const arg of argv.slice(1)) {
    if (!arg.startsWith('-')) break;
    flags.push(arg);
  }
  return flags;
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const add = (a: Resident, b: Resident): Resident => ({
  rssKb: a.rssKb + b.rssKb,
  anonKb: a.anonKb + b.anonKb,
});

/** One sample of the panel `pid` and its children, by kind. */
export function panelMemory(pid: number): PanelMemory {
  const memory: PanelMemory = {
    panel: resident(pid),
    media: none(),
    gstreamer: none(),
    panelFlags: nodeFlags(cmdline(pid)),
    mediaFlags: [],
  };
  for (const child of children(pid)) {
    try {
      const argv = cmdline(child);
      if (argv.some((arg) => arg.includes('media-worker'))) {
        memory.media = add(memory.media, resident(child));
        memory.mediaFlags = nodeFlags(argv);
      } else if (argv[0]?.includes('gst-launch')) {
        memory.gstreamer = add(memory.gstreamer, resident(child));
      }
    } catch {
      // exited meanwhile (a pipeline being restarted): it holds nothing now
    }
  }
  return memory;
}

export const totalKb = (m: PanelMemory): number => m.panel.rssKb + m.media.rssKb + m.gstreamer.rssKb;

/**
 * The physical pages the processes hold, each page counted once however many of them map it (the Node
 * binary's code in the panel and the media process, GStreamer's libraries in two pipelines): a resident
 * page's frame number from /proc/PID/pagemap (needs root, as the bench runs). What the panel takes from
 * a board's RAM, beside the RSS sum that `ps` and the figure count.
 */
export function distinctResidentKb(pids: readonly number[]): number {
  const frames = new Set<number>();
  const PAGE = 4096;
  for (const pid of pids) {
    let fd: number;
    let smaps: string;
    try {
      smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
      fd = openSync(`/proc/${pid}/pagemap`, 'r');
    } catch {
      continue; // exited meanwhile
    }
    try {
      let range: [number, number] | undefined;
      for (const line of smaps.split('\n')) {
        const head = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
        if (head) range = [Number.parseInt(head[1]!, 16), Number.parseInt(head[2]!, 16)];
        const rss = /^Rss:\s+(\d+)/.exec(line);
        if (!rss || !range || rss[1] === '0') continue;
        const pages = (range[1] - range[0]) / PAGE;
        const buf = Buffer.alloc(pages * 8);
        readSync(fd, buf, 0, buf.length, (range[0] / PAGE) * 8);
        for (let i = 0; i < pages; i++) {
          const entry = buf.readBigUInt64LE(i * 8);
          if (entry >> 63n) frames.add(Number(entry & ((1n << 55n) - 1n)));
        }
      }
    } finally {
      closeSync(fd);
    }
  }
  return frames.size * (PAGE / 1024);
}

/** The panel and every child this sample counted. */
export function panelTree(pid: number): number[] {
  return [pid, ...children(pid)];
}
