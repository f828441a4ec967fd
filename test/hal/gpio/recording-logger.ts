import type { Logger } from '../../../lib/log/logger.ts';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg: string | undefined;
}

/** A logger that keeps every entry, its children included, for assertions. */
export function recordingLogger(): Logger & { entries: LogEntry[]; warnings(): LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object | string, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  const logger = {
    entries,
    warnings: () => entries.filter((e) => e.level === 'warn'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (): Logger => logger,
  };
  return logger;
}
