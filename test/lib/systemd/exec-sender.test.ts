/**
 * The real path: systemd-notify (Debian's, as on the panel) sends to a unix datagram socket that a tiny
 * python3 receiver owns, standing in for PID 1. The receiver closes the barrier fd systemd-notify passes,
 * as systemd does, so systemd-notify returns.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/log/logger.ts';
import { ExecNotifySender } from '../../../lib/systemd/exec-sender.ts';
import { until } from '../../../scripts/lab/until.ts';
import { tempDir } from '../../support/temp-dir.ts';

// Prints each datagram's text on one line (newlines as '|'); drops (closes) any passed fds.
const RECEIVER = `
import socket, sys, os, array
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    data, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i"); fds.frombytes(payload[: len(payload) - len(payload) % 4])
            for fd in fds: os.close(fd)
    print(data.decode().strip().replace("\\n", "|"), flush=True)
`;

let receiver: ChildProcess | undefined;
afterEach(() => {
  if (receiver?.pid) process.kill(receiver.pid, 'SIGTERM');
  receiver = undefined;
});

describe('ExecNotifySender', () => {
  it('delivers READY/STATUS, WATCHDOG and STOPPING through systemd-notify to NOTIFY_SOCKET', async () => {
    const socketPath = join(tempDir(), 'notify.sock');
    const lines: string[] = [];
    receiver = spawn('python3', ['-c', RECEIVER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    receiver.stdout
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
    await until(() => lines.includes('listening'), 'the receiver to listen', 5000);

    const sender = new ExecNotifySender({
      logger: silentLogger,
      env: { ...process.env, NOTIFY_SOCKET: socketPath },
    });
    sender.send(['READY=1', 'STATUS=ready: panel p1']);
    sender.send(['WATCHDOG=1']); // dropped: the READY message is still in flight
    sender.send(['STOPPING=1']); // queued behind it
    await sender.idle();
    sender.send(['WATCHDOG=1']);
    await sender.idle();
    await until(() => lines.length >= 4, 'three messages', 5000);
    const messages = lines.filter((l) => l !== 'listening' && !l.startsWith('BARRIER'));
    expect(messages).toEqual(['READY=1|STATUS=ready: panel p1', 'STOPPING=1', 'WATCHDOG=1']);
  });

  it('logs a failing notifier once and keeps going', async () => {
    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (_o: object | string, msg?: string) => void warnings.push(String(msg)),
    };
    const sender = new ExecNotifySender({ logger, command: '/nonexistent/systemd-notify' });
    sender.send(['READY=1']);
    await sender.idle();
    sender.send(['WATCHDOG=1']);
    await sender.idle();
    expect(warnings).toEqual(['systemd notification failed']);
  });
});
