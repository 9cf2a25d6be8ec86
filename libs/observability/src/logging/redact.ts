/** What `redact` masks beyond secrets, which are masked always. */
export interface RedactOptions {
  /** Phone numbers (source and destination addresses) and message text. Default true; false only to debug. */
  readonly personalData?: boolean;
}

export const REDACTED = '[redacted]';

/** Keys are compared lowercased without `_`, `-` and spaces: `api_key`, `apiKey` and `API-KEY` are one key. */
function normalised(key: string): string {
  return key.toLowerCase().replace(/[_\-\s]/g, '');
}

/** Credentials: masked even when personal-data redaction is off. */
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'secret',
  'apikey',
  'token',
  'authorization',
  'privatekey',
  'cookie',
];

/** Addresses: SMPP source_addr / destination_addr and the names the REST API and providers use for them. */
const ADDRESS_KEYS = new Set([
  'sourceaddr',
  'destinationaddr',
  'destaddr',
  'destination',
  'msisdn',
  'phone',
  'phonenumber',
  'to',
  'from',
  'sender',
  'recipient',
]);

/** Message content: short_message, message_payload (TLV 0x0424), receipt text and the API's text fields. */
const TEXT_KEYS = new Set([
  'shortmessage',
  'messagepayload',
  'text',
  'body',
  'messagetext',
  'dlrtext',
  'content',
]);

/** `scheme://user:password@` in any string, e.g. a DATABASE_URL or RABBITMQ_URL quoted in an error message. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/@]*@/gi;

const MAX_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  const name = normalised(key);
  return SECRET_KEY_PARTS.some((part) => name.includes(part));
}

/** `+447700900123` -> `***23`: enough to tell two numbers apart in one incident, not enough to identify one. */
function maskAddress(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length <= 4 ? '***' : `***${text.slice(-2)}`;
}

function maskText(value: unknown): string {
  const length = Buffer.isBuffer(value) ? value.length : typeof value === 'string' ? value.length : undefined;
  return length === undefined
    ? REDACTED
    : `[redacted ${length} ${Buffer.isBuffer(value) ? 'octets' : 'chars'}]`;
}

/** Any string with URL credentials masked. */
export function redactString(value: string): string {
  return value.replace(URL_CREDENTIALS, '$1:***@');
}

/**
 * A JSON-safe copy of `value` for a log line: credentials always masked (by key name, and inside URLs), phone
 * numbers and message text masked unless `personalData` is false. Walks nested objects and arrays; errors become
 * `{ name, message, stack }`, buffers their length, bigints strings; cycles and depth beyond 8 are cut.
 */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  const personalData = options.personalData ?? true;
  const seen = new WeakSet<object>();

  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') return redactString(item);
    if (typeof item === 'bigint') return item.toString();
    if (item === null || typeof item !== 'object') return typeof item === 'function' ? undefined : item;
    if (item instanceof Date) return Number.isNaN(item.getTime()) ? 'Invalid Date' : item.toISOString();
    if (Buffer.isBuffer(item)) return `[${item.length} octets]`;
    if (seen.has(item)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(item);
    try {
      if (Array.isArray(item)) return item.map((element) => walk(element, depth + 1));
      const source: Record<string, unknown> =
        item instanceof Error
          ? { name: item.name, message: item.message, stack: item.stack, ...(item as object) }
          : (item as Record<string, unknown>);
      const copy: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(source)) {
        if (field === undefined) continue;
        const name = normalised(key);
        if (isSecretKey(key)) copy[key] = REDACTED;
        else if (personalData && ADDRESS_KEYS.has(name)) copy[key] = maskAddress(field);
        else if (personalData && TEXT_KEYS.has(name)) copy[key] = maskText(field);
        else copy[key] = walk(field, depth + 1);
      }
      return copy;
    } finally {
      seen.delete(item);
    }
  };

  return walk(value, 0);
}
