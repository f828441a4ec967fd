/**
 * The WAN lab: network namespaces joined by veth links, standing for a building and a resident's home
 * on opposite sides of the internet, so calls are tested and measured across NAT, latency and loss
 * rather than on loopback.
 *
 *   panel ns ──lan── router A (NAT) ──wan── inet ns ──wan── router B (NAT) ──lan── app ns
 *   10.1.0.2         10.1.0.1 / 198.51.100.2   198.51.100.1      203.0.113.1    203.0.113.2 / 10.2.0.1   10.2.0.2
 *                                              + 192.0.2.1 (servers: coturn, a broker, a hub…)
 *
 * Router A masquerades (Linux conntrack: endpoint-independent mapping, address-and-port-dependent
 * filtering); router B masquerades with --random-fully, a new public port per destination: symmetric
 * NAT, so a direct path between panel and app cannot be punched and only a TURN relay carries the call.
 * The inet namespace routes between the routers and holds the servers' address.
 *
 * The two wan links carry the delay, jitter and loss the caller sets (both directions). They are not
 * veths shaped by `tc netem`: this lab's kernel has no sch_netem (nor do many CI kernels), so each wan
 * link is a pair of TUN devices joined by wire.py, a small process that delays and drops packets the way
 * netem does. The LAN links are plain veths.
 *
 * Every name carries a random id, so labs of parallel tests never meet; destroy() kills what runs in
 * them and deletes the namespaces (their veths go with them). Needs root (`ip netns`): the tests run in
 * scripts/lab/in-lab-ns.sh, whose own namespace is untouched by this.
 */
import { type ChildProcess, execFile, type SpawnOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const WIRE = new URL('./wire.py', import.meta.url).pathname;

export type LabHost = 'panel' | 'app' | 'inet' | 'routerA' | 'routerB';
export type WanLink = 'panel' | 'app';

/** One direction's shaping; set on both directions of a link. */
export interface LinkShape {
  /** One-way delay added in each direction (ms); RTT across the lab is 2 × (panel + app delay). */
  delayMs?: number;
  jitterMs?: number;
  /** Packet loss in each direction (%). */
  lossPct?: number;
}

export interface WanLabOptions {
  links?: Partial<Record<WanLink, LinkShape>>;
  /** Router B's NAT: symmetric (default, TURN needed) or like router A's. */
  appNat?: 'symmetric' | 'cone';
}

export const LAB_ADDRESSES = {
  panel: '10.1.0.2',
  app: '10.2.0.2',
  /** Where servers in the inet namespace listen (coturn, brokers). */
  servers: '192.0.2.1',
  routerAPublic: '198.51.100.2',
  routerBPublic: '203.0.113.2',
} as const;

export class WanLab {
  readonly id: string;
  readonly #children = new Set<ChildProcess>();
  readonly #tempDirs: string[] = [];
  readonly #wires = new Map<WanLink, ChildProcess>();
  #destroyed = false;

  private constructor(id: string) {
    this.id = id;
  }

  /** The namespace name of a host of this lab. */
  ns(host: LabHost): string {
    return `pv-${this.id}-${host}`;
  }

  static async create(options: WanLabOptions = {}): Promise<WanLab> {
    const lab = new WanLab(randomBytes(4).toString('hex'));
    try {
      await lab.#build(options);
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  /** Runs a command in a namespace and waits for it (throws with its stderr on failure). */
  async exec(host: LabHost, command: string, args: readonly string[]): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.ns(host), command, ...args]);
    return stdout;
  }

  /**
   * Starts a long-running process inside a namespace (everything it starts stays there: a panel's media
   * process, Chromium's helpers). It is killed by destroy() if still running. `stdio` may include 'ipc'
   * for a Node child: the channel's descriptor survives `ip netns exec`.
   */
  spawn(host: LabHost, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns(host), command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /**
   * An executable that runs `command` inside the namespace with the arguments it is given: for programs
   * that start the process themselves (playwright launching Chromium).
   */
  async wrapper(host: LabHost, command: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'portvakt-wan-'));
    this.#tempDirs.push(dir);
    const file = join(dir, 'run-in-ns');
    await writeFile(file, `#!/bin/sh\nexec ip netns exec ${this.ns(host)} ${command} "$@"\n`);
    await chmod(file, 0o755);
    return file;
  }

  /** Sets (replaces) the shaping of a wan link, both directions; {} removes it. */
  shape(link: WanLink, shape: LinkShape): void {
    const wire = this.#wires.get(link);
    if (!wire?.stdin) throw new Error(`the ${link} wan link is not up`);
    wire.stdin.write(`${shape.delayMs ?? 0} ${shape.jitterMs ?? 0} ${shape.lossPct ?? 0}\n`);
  }

  /** Kills what runs in the lab's namespaces and deletes them; safe to call twice. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const child of [...this.#children, ...this.#wires.values()]) child.kill('SIGKILL');
    for (const host of HOSTS) {
      const ns = this.ns(host);
      // Processes started in the namespace by others (Chromium's helpers, a daemon that forked).
      const pids = await run('ip', ['netns', 'pids', ns]).then(
        (r) => r.stdout.split('\n').filter(Boolean),
        () => [],
      );
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    }
    await Promise.all(this.#tempDirs.map((d) => rm(d, { recursive: true, force: true })));
  }

  async #build(options: WanLabOptions): Promise<void> {
    for (const host of HOSTS) {
      await run('ip', ['netns', 'add', this.ns(host)]);
      await this.exec(host, 'ip', ['link', 'set', 'lo', 'up']);
    }
    const ip = (host: LabHost, ...args: string[]) => this.exec(host, 'ip', args);
    const veth = (a: LabHost, aName: string, b: LabHost, bName: string) =>
      run('ip', [
        ...['link', 'add', aName, 'netns', this.ns(a), 'type', 'veth'],
        ...['peer', 'name', bName, 'netns', this.ns(b)],
      ]);
    const addr = async (host: LabHost, dev: string, cidr: string) => {
      await ip(host, 'addr', 'add', cidr, 'dev', dev);
      await ip(host, 'link', 'set', dev, 'up');
    };
    // LANs.
    await veth('panel', 'lan', 'routerA', 'lan');
    await addr('panel', 'lan', '10.1.0.2/24');
    await addr('routerA', 'lan', '10.1.0.1/24');
    await ip('panel', 'route', 'add', 'default', 'via', '10.1.0.1');
    await veth('app', 'lan', 'routerB', 'lan');
    await addr('app', 'lan', '10.2.0.2/24');
    await addr('routerB', 'lan', '10.2.0.1/24');
    await ip('app', 'route', 'add', 'default', 'via', '10.2.0.1');
    // The internet: two shaped point-to-point links.
    await this.#wanLink('panel', 'routerA', '198.51.100.2', 'to-a', '198.51.100.1');
    await this.#wanLink('app', 'routerB', '203.0.113.2', 'to-b', '203.0.113.1');
    // The servers' address on inet's loopback (no dummy interfaces on every kernel).
    await ip('inet', 'addr', 'add', `${LAB_ADDRESSES.servers}/32`, 'dev', 'lo');
    // Routing and NAT.
    for (const host of ['routerA', 'routerB', 'inet'] as const)
      await this.exec(host, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    await this.exec('routerA', 'iptables', [
      '-t',
      'nat',
      '-A',
      'POSTROUTING',
      '-o',
      'wan',
      '-j',
      'MASQUERADE',
    ]);
    await this.exec('routerB', 'iptables', [
      ...['-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE'],
      ...(options.appNat === 'cone' ? [] : ['--random-fully']),
    ]);
    for (const link of ['panel', 'app'] as const) {
      const shape = options.links?.[link];
      if (shape) this.shape(link, shape);
    }
  }

  /** A router's `wan` TUN device and inet's one, joined by a wire.py process. */
  async #wanLink(
    link: WanLink,
    router: LabHost,
    routerIp: string,
    inetDev: string,
    inetIp: string,
  ): Promise<void> {
    const ip = (host: LabHost, ...args: string[]) => this.exec(host, 'ip', args);
    await ip(router, 'tuntap', 'add', 'dev', 'wan', 'mode', 'tun');
    await ip('inet', 'tuntap', 'add', 'dev', inetDev, 'mode', 'tun');
    const wire = spawn('python3', [WIRE, this.ns(router), 'wan', this.ns('inet'), inetDev], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.#wires.set(link, wire);
    const [line] = (await Promise.race([once(wire.stdout!, 'data'), once(wire, 'exit')])) as [unknown];
    if (!String(line).startsWith('ready')) throw new Error(`the ${link} wan link did not start`);
    await ip(router, 'addr', 'add', routerIp, 'peer', inetIp, 'dev', 'wan');
    await ip(router, 'link', 'set', 'wan', 'up');
    await ip('inet', 'addr', 'add', inetIp, 'peer', routerIp, 'dev', inetDev);
    await ip('inet', 'link', 'set', inetDev, 'up');
    await ip(router, 'route', 'add', 'default', 'via', inetIp);
  }
}

const HOSTS: readonly LabHost[] = ['panel', 'app', 'inet', 'routerA', 'routerB'];
