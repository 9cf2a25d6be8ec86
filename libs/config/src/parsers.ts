import { resolve } from 'node:path';
import { InvalidValueError } from './config.error';

/** Turns a set, non-empty environment string into a typed value or throws `InvalidValueError`. */
export type ValueParser<T> = (raw: string) => T;

/** Quotes a refused value for an error message; long values are cut so that a pasted secret does not fill the log. */
function shown(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw);
}

export function integer(min: number, max: number): ValueParser<number> {
  return (raw) => {
    const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidValueError(`must be an integer ${min}-${max}, got ${shown(raw)}`);
    }
    return value;
  };
}

export const port: ValueParser<number> = integer(1, 65535);

/** Any non-empty string, as given. */
export const text: ValueParser<string> = (raw) => raw;

export function oneOf<const T extends readonly string[]>(allowed: T): ValueParser<T[number]> {
  const isAllowed = (raw: string): raw is T[number] => allowed.includes(raw);
  return (raw) => {
    if (!isAllowed(raw))
      throw new InvalidValueError(`must be one of ${allowed.join(', ')}, got ${shown(raw)}`);
    return raw;
  };
}

/** A `postgres://` or `postgresql://` URL with a host. The value is never echoed: it may carry a password. */
export const postgresUrl: ValueParser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValueError('not a postgres:// URL');
  }
  if ((url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || url.hostname === '') {
    throw new InvalidValueError('not a postgres:// URL');
  }
  return raw;
};

/** An `amqp://` or `amqps://` URL with a host. The value is never echoed: it may carry a password. */
export const amqpUrl: ValueParser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValueError('not an amqp:// URL');
  }
  if ((url.protocol !== 'amqp:' && url.protocol !== 'amqps:') || url.hostname === '') {
    throw new InvalidValueError('not an amqp:// URL');
  }
  return raw;
};

/** A filesystem path, made absolute against the working directory when the config is loaded. */
export const directory: ValueParser<string> = (raw) => resolve(raw);

/** A file path, made absolute like `directory`; whether it exists is checked by the code that opens it. */
export const filePath: ValueParser<string> = directory;

/**
 * `system_id:password` pairs separated by commas, e.g. `alice:secret1,bob:secret2`. A password may
 * contain `:`; neither part may be empty. The value is never echoed: it carries passwords.
 */
export const accountList: ValueParser<Array<{ system_id: string; password: string }>> = (raw) =>
  raw.split(',').map((entry, index) => {
    const colon = entry.indexOf(':');
    const systemId = entry.slice(0, colon).trim();
    const password = entry.slice(colon + 1);
    if (colon < 0 || systemId === '' || password === '') {
      throw new InvalidValueError(`entry ${index + 1} is not system_id:password`);
    }
    return { system_id: systemId, password };
  });

/** `true` or `false`, case-insensitive. */
export const flag: ValueParser<boolean> = (raw) => {
  const value = raw.toLowerCase();
  if (value !== 'true' && value !== 'false')
    throw new InvalidValueError(`must be true or false, got ${shown(raw)}`);
  return value === 'true';
};

/** `host:port` entries separated by commas, e.g. `smpp1.example.com:2775,smpp2.example.com:2775`. */
export const hostList: ValueParser<Array<{ host: string; port: number }>> = (raw) =>
  raw.split(',').map((entry, index) => {
    const colon = entry.lastIndexOf(':');
    const host = entry.slice(0, colon).trim();
    const portText = entry.slice(colon + 1).trim();
    if (
      colon < 0 ||
      host === '' ||
      !/^\d{1,5}$/.test(portText) ||
      Number(portText) < 1 ||
      Number(portText) > 65535
    ) {
      throw new InvalidValueError(`entry ${index + 1} is not host:port, got ${shown(entry)}`);
    }
    return { host, port: Number(portText) };
  });

/** A regular-expression-checked string; `expected` says what is allowed. */
export function matching(pattern: RegExp, expected: string): ValueParser<string> {
  return (raw) => {
    if (!pattern.test(raw)) throw new InvalidValueError(`must be ${expected}, got ${shown(raw)}`);
    return raw;
  };
}
