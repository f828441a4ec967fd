/**
 * The lab's Mosquitto config: the shipped deploy/mosquitto/mosquitto.conf with the documented
 * substitutions (paths, ports, run-as user, TLS files, persistence; see mosquitto.ts and
 * deploy/mosquitto/README.md). Anything else in the shipped file reaches the tests unchanged; an anchor
 * missing from it (a renamed listener, say) is an error here rather than a silently different broker.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/mosquitto/', import.meta.url));

/** The shipped paths the lab points into its temp dir. */
const SHIPPED_DIRS = ['/etc/mosquitto/portvakt/', '/var/lib/mosquitto/', '/run/mosquitto/'];
const TLS_LINE = /^(cafile|certfile|keyfile|tls_version|require_certificate) /;

export interface LabConfigOptions {
  dir: string;
  port: number;
  websocketPort: number | undefined;
  tls: boolean;
  requireCertificate: boolean;
  persistence: boolean;
  extraConfig: string;
  asRoot: boolean;
}

export function shippedFile(name: string): string {
  return readFileSync(`${DEPLOY_DIR}${name}`, 'utf8');
}

export function labConfig(shipped: string, o: LabConfigOptions): string {
  const out: string[] = ['# deploy/mosquitto/mosquitto.conf with the lab substitutions (scripts/lab/)'];
  const seen = new Set<string>();
  let block: 'global' | 'tcp' | 'ws' = 'global';
  for (const raw of shipped.split('\n')) {
    let line = raw;
    if (line === 'listener 8883' || line === 'listener 8884') {
      if (block === 'global' && o.extraConfig) out.push(o.extraConfig);
      block = line === 'listener 8883' ? 'tcp' : 'ws';
      seen.add(line);
      if (block === 'ws' && o.websocketPort === undefined) continue;
      out.push(`listener ${block === 'tcp' ? o.port : o.websocketPort} 127.0.0.1`);
      continue;
    }
    if (block === 'ws' && o.websocketPort === undefined) continue;
    if (TLS_LINE.test(line)) {
      if (!o.tls) continue;
      if (line.startsWith('require_certificate '))
        line = `require_certificate ${o.requireCertificate ? 'true' : 'false'}`;
    }
    if (line === 'user mosquitto') line = o.asRoot ? 'user root' : line;
    if (line === 'persistence true') line = `persistence ${o.persistence ? 'true' : 'false'}`;
    if (line.startsWith('log_dest ')) line = 'log_dest stderr';
    for (const shippedDir of SHIPPED_DIRS) line = line.replaceAll(shippedDir, `${o.dir}/`);
    out.push(line);
    seen.add(raw.split(' ')[0]!);
  }
  for (const anchor of ['listener 8883', 'user', 'persistence', 'log_dest', 'use_username_as_clientid'])
    if (!seen.has(anchor)) throw new Error(`deploy/mosquitto/mosquitto.conf has no "${anchor}" line`);
  if (o.websocketPort !== undefined && !seen.has('listener 8884'))
    throw new Error('deploy/mosquitto/mosquitto.conf has no WebSocket listener (listener 8884)');
  return out.join('\n');
}
