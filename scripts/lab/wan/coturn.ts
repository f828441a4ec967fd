/**
 * coturn (Debian's turnserver) in a WAN lab namespace, configured as deploy/turn/turnserver.conf is in
 * what matters here: REST API credentials only (use-auth-secret), fingerprints, no static users. It
 * listens and relays on the lab's servers address; its user database and pid file live in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../until.ts';
import { LAB_ADDRESSES, type WanLab } from './topology.ts';

export interface LabTurn {
  /** The URL app devices and panels use (UDP). */
  url: string;
  secret: string;
  /** coturn's log so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export async function startCoturn(lab: WanLab, secret: string, port = 3478): Promise<LabTurn> {
  const dir = await mkdtemp(join(tmpdir(), 'portvakt-coturn-'));
  const ip = LAB_ADDRESSES.servers;
  const child = lab.spawn('inet', '/usr/bin/turnserver', [
    ...['-n', '--listening-ip', ip, '--relay-ip', ip, '--listening-port', String(port)],
    ...['--use-auth-secret', '--static-auth-secret', secret, '--realm', 'portvakt-lab', '--fingerprint'],
    ...['--no-tls', '--no-dtls', '--no-tcp-relay', '--no-cli', '--no-multicast-peers'],
    ...['--min-port', '49152', '--max-port', '65535', '--userdb', join(dir, 'turndb')],
    ...['--pidfile', join(dir, 'turnserver.pid'), '--log-file', 'stdout', '--simple-log'],
  ]);
  let log = '';
  child.stdout?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(
      () =>
        child.exitCode !== null
          ? Promise.reject(new Error(`turnserver exited: ${log}`))
          : log.includes('Total General servers'),
      'turnserver to start',
      10_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `turn:${ip}:${port}?transport=udp`, secret, log: () => log, stop };
}
