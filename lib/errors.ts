/**
 * The domain error hierarchy. Every error the runtime raises on purpose is a PortvaktError with a stable
 * `code`, so the API, the CLI and the audit log can report it without parsing messages.
 */
export class PortvaktError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input from outside (config, API body, card data, serial bytes) that is not acceptable. */
export class ValidationError extends PortvaktError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = []) {
    super('invalid_input', message);
    this.issues = issues;
  }
}

export class ConfigError extends PortvaktError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = []) {
    super('invalid_config', message);
    this.issues = issues;
  }
}

export class NotFoundError extends PortvaktError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class AuthError extends PortvaktError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

/** A hardware driver could not do what it was asked (line busy, reader gone, daemon down). */
export class HardwareError extends PortvaktError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('hardware', message, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Authenticated, but this identity may not do that (HTTP 403). */
export class ForbiddenError extends PortvaktError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** Too many attempts; the caller may retry after `retryAfterS` seconds (HTTP 429). */
export class RateLimitedError extends PortvaktError {
  readonly retryAfterS: number;
  constructor(message: string, retryAfterMs: number) {
    super('rate_limited', message);
    this.retryAfterS = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}
