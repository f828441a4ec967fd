/**
 * A reporter that names what is still running when a test file takes far longer than it should.
 * A test that blocks its worker's event loop (a native call that never returns, a busy loop) is beyond
 * vitest's own timeouts, and CI would only see silence until its limit: this prints, from the main
 * process, which file and which test have been running for how long, so the log points at the culprit.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';

const FIRST_WARNING_MS = 120_000;
const CHECK_EVERY_MS = 30_000;

interface Running {
  readonly startedAt: number;
  currentTest: string | undefined;
  warnedAt: number;
}

export default class WatchdogReporter implements Reporter {
  readonly #running = new Map<string, Running>();
  #timer: NodeJS.Timeout | undefined;

  onTestRunStart(): void {
    this.#timer = setInterval(() => this.#check(), CHECK_EVERY_MS);
    this.#timer.unref();
  }

  onTestModuleStart(testModule: TestModule): void {
    this.#running.set(testModule.moduleId, { startedAt: Date.now(), currentTest: undefined, warnedAt: 0 });
  }

  onTestCaseReady(testCase: TestCase): void {
    const running = this.#running.get(testCase.module.moduleId);
    if (running) running.currentTest = testCase.fullName;
  }

  onTestModuleEnd(testModule: TestModule): void {
    this.#running.delete(testModule.moduleId);
  }

  onTestRunEnd(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    const now = Date.now();
    for (const [moduleId, running] of this.#running) {
      const elapsed = now - running.startedAt;
      if (elapsed < FIRST_WARNING_MS || now - running.warnedAt < FIRST_WARNING_MS / 2) continue;
      running.warnedAt = now;
      process.stderr.write(
        `[watchdog] ${relative(moduleId)} has been running for ${Math.round(elapsed / 1000)} s` +
          `${running.currentTest ? `, now in "${running.currentTest}"` : ''}\n`,
      );
    }
  }
}

function relative(moduleId: string): string {
  const cwd = `${process.cwd()}/`;
  return moduleId.startsWith(cwd) ? moduleId.slice(cwd.length) : moduleId;
}
