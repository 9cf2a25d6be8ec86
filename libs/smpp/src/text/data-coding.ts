import { DataCodingError } from './errors';
import type { TextCoding } from './types';

/** Every alphabet a data_coding value can name (SMPP 3.4 §5.2.19 and 3GPP TS 23.038 §4). */
export type Alphabet =
  | TextCoding
  | 'jis'
  | 'hebrew'
  | 'pictogram'
  | 'iso2022jp'
  | 'kanji'
  | 'ksc5601'
  /** A value or alphabet field that neither SMPP 3.4 nor 23.038 assigns. */
  | 'reserved';

export type MessageClass = 0 | 1 | 2 | 3;

/**
 * Which table decided the meaning: SMPP 3.4's own values 0x00-0x0E, the 23.038 general group
 * 0x10-0x3F (`compressed` for 0x20-0x3F), message waiting indication 0xC0-0xEF, or the 23.038 data
 * coding / message class group 0xF0-0xFF.
 */
export type DataCodingGroup =
  'smpp' | 'general' | 'compressed' | 'message-waiting' | 'message-class' | 'reserved';

export interface DataCodingInfo {
  dcs: number;
  alphabet: Alphabet;
  group: DataCodingGroup;
  messageClass?: MessageClass;
  /** Class 0: shown on the display immediately and not stored ("flash"). */
  flash: boolean;
  /** False for reserved, compressed and message-waiting values: not routable as ordinary text. */
  supported: boolean;
  /** True only for 0x00, "SMSC default alphabet": GSM7 at most SMSCs, ASCII at Mobile Text Alerts. */
  smscDefault: boolean;
}

/** SMPP 3.4 §5.2.19 values 0x00-0x0E; 0x0B and 0x0C are reserved. */
const SMPP_ALPHABETS: ReadonlyArray<Alphabet> = [
  'gsm7',
  'ascii',
  'binary',
  'latin1',
  'binary',
  'jis',
  'cyrillic',
  'hebrew',
  'ucs2',
  'pictogram',
  'iso2022jp',
  'reserved',
  'reserved',
  'kanji',
  'ksc5601',
];

/** 23.038 general-group alphabet bits 3-2. */
const GENERAL_ALPHABETS: ReadonlyArray<Alphabet> = ['gsm7', 'binary', 'ucs2', 'reserved'];

/**
 * Interprets a data_coding octet by the decode rule table of smpp34.md §9.2. Each range is matched
 * explicitly: a mask such as `(dcs & 0xEC) == 0x08` would take 0x09 and 0x0A for UCS-2.
 */
export function interpretDataCoding(dcs: number): DataCodingInfo {
  checkOctet(dcs);
  if (dcs <= 0x0e) {
    const alphabet = SMPP_ALPHABETS[dcs];
    const group = alphabet === 'reserved' ? 'reserved' : 'smpp';
    return info(dcs, alphabet, group, undefined, alphabet !== 'reserved', dcs === 0x00);
  }
  if (dcs >= 0x10 && dcs <= 0x1f) {
    const alphabet = GENERAL_ALPHABETS[(dcs >> 2) & 3];
    return info(dcs, alphabet, 'general', messageClassOf(dcs), alphabet !== 'reserved');
  }
  if (dcs >= 0x20 && dcs <= 0x3f) {
    const alphabet = GENERAL_ALPHABETS[(dcs >> 2) & 3];
    const messageClass = dcs & 0x10 ? messageClassOf(dcs) : undefined;
    return info(dcs, alphabet, 'compressed', messageClass, false);
  }
  if (dcs >= 0xc0 && dcs <= 0xef) {
    // 23.038 §4: 0xC0-0xCF discard message (GSM7), 0xD0-0xDF store message (GSM7), 0xE0-0xEF store (UCS2).
    return info(dcs, dcs >= 0xe0 ? 'ucs2' : 'gsm7', 'message-waiting', undefined, false);
  }
  if (dcs >= 0xf0 && dcs <= 0xf7) {
    return info(dcs, dcs & 0x04 ? 'binary' : 'gsm7', 'message-class', messageClassOf(dcs), true);
  }
  // 0x0F, 0x40-0xBF and 0xF8-0xFF (bit 3 of the 0xF0 group is reserved).
  return info(dcs, 'reserved', 'reserved', undefined, false);
}

export type DataCodingForm = 'general' | 'message-class';

export interface BuildDataCodingOptions {
  messageClass?: MessageClass;
  /**
   * With a message class: `general` gives 0x10-0x1B (Infobip flash 0x10/0x18), `message-class` gives
   * 0xF0-0xF7 (GatewayAPI flash 0xF0), which has no UCS-2 form. Default `general`.
   */
  form?: DataCodingForm;
}

/** SMPP 3.4 data_coding for an alphabet without a message class. Binary uses 0x04 (also 8-bit in 23.038). */
const PLAIN_DCS: Readonly<Record<Exclude<Alphabet, 'reserved'>, number>> = {
  gsm7: 0x00,
  ascii: 0x01,
  latin1: 0x03,
  binary: 0x04,
  jis: 0x05,
  cyrillic: 0x06,
  hebrew: 0x07,
  ucs2: 0x08,
  pictogram: 0x09,
  iso2022jp: 0x0a,
  kanji: 0x0d,
  ksc5601: 0x0e,
};

/** The data_coding octet for an alphabet and optional message class, in the form a profile asks for. */
export function buildDataCoding(alphabet: Alphabet, options: BuildDataCodingOptions = {}): number {
  if (alphabet === 'reserved') throw new DataCodingError('no data_coding value names a reserved alphabet');
  const { messageClass, form = 'general' } = options;
  if (messageClass === undefined) return PLAIN_DCS[alphabet];
  if (!Number.isInteger(messageClass) || messageClass < 0 || messageClass > 3) {
    throw new DataCodingError(`message class must be 0..3, got ${String(messageClass)}`);
  }
  const general: Partial<Record<Alphabet, number>> = { gsm7: 0x10, binary: 0x14, ucs2: 0x18 };
  const classGroup: Partial<Record<Alphabet, number>> = { gsm7: 0xf0, binary: 0xf4 };
  const base = (form === 'general' ? general : classGroup)[alphabet];
  if (base === undefined) {
    throw new DataCodingError(`${alphabet} cannot carry a message class in the ${form} data_coding form`);
  }
  return base | messageClass;
}

function info(
  dcs: number,
  alphabet: Alphabet,
  group: DataCodingGroup,
  messageClass: MessageClass | undefined,
  supported: boolean,
  smscDefault = false,
): DataCodingInfo {
  const result: DataCodingInfo = { dcs, alphabet, group, flash: messageClass === 0, supported, smscDefault };
  if (messageClass !== undefined) result.messageClass = messageClass;
  return result;
}

function messageClassOf(dcs: number): MessageClass {
  return (dcs & 3) as MessageClass;
}

function checkOctet(dcs: number): void {
  if (!Number.isInteger(dcs) || dcs < 0 || dcs > 0xff) {
    throw new DataCodingError(`data_coding must be an integer 0..255, got ${dcs}`);
  }
}
