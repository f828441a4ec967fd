/**
 * The logging surface the HAL needs. device/ passes a pino child logger (which has this shape); tests may
 * pass `silentLogger`. Keeping the HAL on an interface keeps it free of device/'s logging policy.
 */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
