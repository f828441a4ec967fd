/**
 * Runs one program from argv (never a shell), feeds it `input` on stdin and collects its stdout, bounded
 * in bytes and time; on any failure the program is killed and the error says which program and why, in
 * words an installer can act on (not installed, which Debian package; its last stderr line; too slow).
 * Speech synthesis (espeak-ng) and the phone prompt's conversion (GStreamer) both run through it.
 */
import { spawn } from 'node:child_process';
import { PortvaktError } from '../../lib/errors.ts';

/** A speech program failed: missing, failing, too slow or too talkative. */
export class SpeechError extends PortvaktError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('speech_failed', message, options);
  }
}

export interface ChildOutputOptions {
  /** Killed after this long. */
  timeoutMs: number;
  /** Killed once stdout exceeds this many bytes; `tooLong` is the error's message then. */
  maxBytes: number;
  tooLong: string;
  /** The Debian package that provides `bin`, named when it is missing. */
  debianPackage: string;
  /** Added to the failure message after the program's name, e.g. ` for voice "sv"`. */
  context?: string;
}

export function childOutput(
  bin: string,
  args: readonly string[],
  input: string | Buffer,
  options: ChildOutputOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let settled = false;
    const fail = (message: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(new SpeechError(message, { cause }));
    };
    const timer = setTimeout(
      () => fail(`${bin} took longer than ${options.timeoutMs} ms${options.context ?? ''}`),
      options.timeoutMs,
    );
    child.on('error', (err) =>
      fail(
        (err as { code?: string }).code === 'ENOENT'
          ? `${bin} is not installed (Debian package ${options.debianPackage})`
          : `${bin} could not run: ${err.message}`,
        err,
      ),
    );
    // A broken pipe when the program failed is reported by its exit.
    child.stdin.on('error', () => {});
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-500)));
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > options.maxBytes) return fail(options.tooLong);
      out.push(chunk);
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) {
        const why = stderr.trim().split('\n').pop() || (signal ? `killed by ${signal}` : `exit code ${code}`);
        return fail(`${bin} failed${options.context ?? ''}: ${why}`);
      }
      settled = true;
      clearTimeout(timer);
      resolve(Buffer.concat(out));
    });
    child.stdin.end(input);
  });
}
