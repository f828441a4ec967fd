/**
 * Loads and validates the device config. Any problem is a ConfigError whose issues each name the key
 * path and the offending value (not for secrets: tokens, passwords, keys), so an installer can fix the
 * file without reading source code.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, errorMessage } from '../../lib/errors.ts';
import { isSecretAt } from '../../lib/log/secret-settings.ts';
import { configSchema, type PanelConfig } from './schema.ts';

export function loadConfigFile(path: string): PanelConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${errorMessage(err)}`);
  }
  return parseConfigText(text, path);
}

/**
 * A warning when the config file (broker password, tokens) can be read by other users than the panel's;
 * the file belongs to the operator, so the panel says so rather than changing it.
 */
export function configFileExposure(path: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  return `config file ${path} holds secrets and is readable by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`;
}

export function parseConfigText(text: string, source = 'config'): PanelConfig {
  return validateConfig(parseYamlText(text, source), source);
}

/** The YAML as plain data, before validation (config/layered.ts layers the provisioned kit over it). */
export function parseYamlText(text: string, source = 'config'): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => withoutSourceText(e.message.split('\n')[0] ?? e.message));
    throw new ConfigError(`${source} is not valid YAML: ${issues.join('; ')}`, issues);
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch {
    // The YAML library names the alias, which may be a password that begins with "*": not repeated here.
    const issue = 'an alias (*name) refers to no anchor; quote values that begin with * or &';
    throw new ConfigError(`${source} is not valid YAML: ${issue}`, [issue]);
  }
  return raw;
}

/**
 * A YAML error message without the source text it quotes (`Unexpected … token: "…"`, `Unresolved tag:
 * !…` — a password that begins with "!" is a tag to YAML): the text around a syntax error may be a
 * secret. The line and column still say where to look.
 */
function withoutSourceText(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/(^|\s)([!%])\S+/g, '$1$2…');
}

export function validateConfig(raw: unknown, source = 'config'): PanelConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => describeIssue(issue, raw));
  throw new ConfigError(`${source} is invalid:\n  - ${issues.join('\n  - ')}`, issues);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const key = formatPath(issue.path);
  // A password of the wrong type or length is still the password: name the key, never show the value.
  const value = isSecretAt(configSchema, issue.path) ? undefined : valueAt(raw, issue.path);
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  if (issue.code === 'unrecognized_keys') {
    return `${key || '(top level)'}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return `${key || '(top level)'}: ${issue.message}${shown}`;
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return typeof cur === 'object' && cur !== null ? undefined : cur;
}
