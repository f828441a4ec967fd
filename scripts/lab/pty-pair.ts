/**
 * A pair of connected pseudo-terminals made by socat, standing in for an RS-485 bus: whatever is written
 * to one end comes out of the other. Both ends are real ttys, so node-serialport opens them (and sets
 * their baud rate) exactly as it opens a USB RS-485 adapter. socat is stopped by its PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './until.ts';

export interface PtyPair {
  /** The controller's end (the panel's driver opens this). */
  readonly a: string;
  /** The bus end (the simulated readers open this). */
  readonly b: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startPtyPair(): Promise<PtyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'portvakt-pty-'));
  const a = join(dir, 'acu');
  const b = join(dir, 'bus');
  // raw + echo=0: no line discipline between the two ends, bytes pass unchanged (0x0D, 0x11 included).
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(() => {
      if (child.exitCode !== null) throw new Error(`socat exited (${child.exitCode}):\n${output}`);
      return existsSync(a) && existsSync(b) && output.includes('starting data transfer loop');
    }, 'socat to create the pty pair');
  } catch (err) {
    await stop();
    throw err;
  }
  return { a, b, pid: child.pid!, stop };
}
