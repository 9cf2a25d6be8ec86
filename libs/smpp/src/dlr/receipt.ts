import { formatDlrDate, parseDlrDate, SmppTimeError } from '../time/smpp-time';
import { DlrMessageState, messageStateToStat, statToMessageState } from './message-state';

export type DeliveryReceiptErrorCode = 'missing-field' | 'invalid-field';

export class DeliveryReceiptError extends Error {
  override readonly name = 'DeliveryReceiptError';

  constructor(
    readonly code: DeliveryReceiptErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A parsed receipt. Only id and stat are required; everything else is what the provider sent. */
export interface DeliveryReceipt {
  id: string;
  stat: string;
  /** Undefined for a stat this code does not know. */
  messageState?: DlrMessageState;
  sub?: number;
  dlvrd?: number;
  submitDate?: Date;
  doneDate?: Date;
  /** Decimal value of err; may have more than 3 digits (GatewayAPI `err:2306`). */
  err?: number;
  text?: string;
  /** Every field as received, keyed by lowercase name with one space (`submit date`), unknown ones included. */
  raw: Record<string, string>;
  /** Fields that were present but unreadable (kept in raw, left out above). */
  problems: string[];
}

/**
 * A key starts a field only at the start or after whitespace; `submit date` / `done date` are the
 * two keys with a space (an underscore is tolerated). Keys match case-insensitively.
 */
const FIELD_KEY = /(^|\s)(submit[ _]date|done[ _]date|[a-z][a-z0-9_]*):/gi;

/**
 * Parses receipt text in the SMPP Appendix B style, tolerating what providers do: fields missing
 * (LabsMobile has no sub/dlvrd, Infobip no text), unknown fields, any order, any key case, err
 * longer than 3 digits, 10- or 12-digit dates. `text` runs to the end of the string, spaces and
 * colons included.
 */
export function parseDeliveryReceipt(receiptText: string): DeliveryReceipt {
  // No prototype, so that keys such as `constructor:` in the text are plain fields.
  const raw = Object.create(null) as Record<string, string>;
  const keys = [...receiptText.matchAll(FIELD_KEY)];
  for (let index = 0; index < keys.length; index++) {
    const match = keys[index];
    const key = match[2].toLowerCase().replace(/^(submit|done)_date$/, '$1 date');
    const valueStart = match.index + match[0].length;
    if (key === 'text') {
      raw[key] ??= receiptText.slice(valueStart);
      break;
    }
    const next = keys[index + 1];
    const valueEnd = next ? next.index + next[1].length : receiptText.length;
    raw[key] ??= receiptText.slice(valueStart, valueEnd).trim();
  }

  const id = raw['id'];
  const stat = raw['stat'];
  if (!id) throw new DeliveryReceiptError('missing-field', 'receipt has no id');
  if (!stat) throw new DeliveryReceiptError('missing-field', 'receipt has no stat');

  const receipt: DeliveryReceipt = { id, stat, raw, problems: [] };
  const messageState = statToMessageState(stat);
  if (messageState !== undefined) receipt.messageState = messageState;
  else receipt.problems.push(`stat ${JSON.stringify(stat)} is not a known state`);

  const number = (key: 'sub' | 'dlvrd' | 'err') => {
    const value = raw[key];
    if (value === undefined) return;
    if (/^\d+$/.test(value)) receipt[key] = Number(value);
    else receipt.problems.push(`${key} ${JSON.stringify(value)} is not decimal digits`);
  };
  number('sub');
  number('dlvrd');
  number('err');

  const date = (key: 'submit date' | 'done date', field: 'submitDate' | 'doneDate') => {
    const value = raw[key];
    if (value === undefined) return;
    try {
      receipt[field] = parseDlrDate(value);
    } catch (error) {
      if (!(error instanceof SmppTimeError)) throw error;
      receipt.problems.push(`${key}: ${error.message}`);
    }
  };
  date('submit date', 'submitDate');
  date('done date', 'doneDate');

  if (raw['text'] !== undefined) receipt.text = raw['text'];
  return receipt;
}

export interface DeliveryReceiptFields {
  id: string;
  /** A message_state, or a stat text sent as is (e.g. BUFFERD). */
  stat: DlrMessageState | string;
  submitDate: Date;
  doneDate: Date;
  /** Default 1. */
  sub?: number;
  /** Default 1 when the state is DELIVERED, else 0. */
  dlvrd?: number;
  /** A number is written with at least 3 digits; a string as is. Default 0. */
  err?: number | string;
  /** Only the first 20 characters are written (SPEC Appendix B). */
  text?: string;
}

export interface FormatReceiptOptions {
  /** Write sub: and dlvrd: (default true; LabsMobile omits them). */
  includeSubDlvrd?: boolean;
  /** Key for the text field: `text` (default, as GatewayAPI and MTA write it), `Text` (as SPEC Appendix B), or null to omit it. */
  textKey?: 'text' | 'Text' | null;
  /** Dates as YYMMDDhhmmss instead of YYMMDDhhmm. */
  withSeconds?: boolean;
}

/** Characters of receipt text a `text` field carries. */
export const RECEIPT_TEXT_LENGTH = 20;

/** `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…` (SPEC Appendix B). */
export function formatDeliveryReceipt(
  fields: DeliveryReceiptFields,
  options: FormatReceiptOptions = {},
): string {
  const { includeSubDlvrd = true, textKey = 'text', withSeconds = false } = options;
  const stat = typeof fields.stat === 'number' ? messageStateToStat(fields.stat) : fields.stat;
  requireToken('id', fields.id);
  requireToken('stat', stat);
  const parts = [`id:${fields.id}`];
  if (includeSubDlvrd) {
    const delivered = statToMessageState(stat) === DlrMessageState.DELIVERED ? 1 : 0;
    parts.push(
      `sub:${counter('sub', fields.sub ?? 1)}`,
      `dlvrd:${counter('dlvrd', fields.dlvrd ?? delivered)}`,
    );
  }
  parts.push(
    `submit date:${formatDlrDate(fields.submitDate, { withSeconds })}`,
    `done date:${formatDlrDate(fields.doneDate, { withSeconds })}`,
    `stat:${stat}`,
    `err:${typeof fields.err === 'string' ? requireToken('err', fields.err) : counter('err', fields.err ?? 0)}`,
  );
  if (textKey !== null && fields.text !== undefined) parts.push(`${textKey}:${receiptTextOf(fields.text)}`);
  return parts.join(' ');
}

/** The first 20 characters (code points, so an emoji is never cut in half). */
export function receiptTextOf(text: string): string {
  return Array.from(text).slice(0, RECEIPT_TEXT_LENGTH).join('');
}

function counter(name: string, value: number): string {
  if (!Number.isInteger(value) || value < 0) {
    throw new DeliveryReceiptError('invalid-field', `${name} must be a non-negative integer, got ${value}`);
  }
  return String(value).padStart(3, '0');
}

function requireToken(name: string, value: string): string {
  if (!/^[^\s:]+$/.test(value)) {
    throw new DeliveryReceiptError(
      'invalid-field',
      `${name} ${JSON.stringify(value)} must be non-empty, without spaces or colons`,
    );
  }
  return value;
}
