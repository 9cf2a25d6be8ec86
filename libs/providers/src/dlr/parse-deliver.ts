import {
  DeliveryReceiptError,
  decodeText,
  findTlv,
  DlrMessageState,
  interpretDataCoding,
  isDlrMessageState,
  isFinalMessageState,
  MessageBodyError,
  messageStateToStat,
  parseDeliveryReceipt,
  parseMessageBody,
  TextDecodingError,
  Tlv,
  TEXT_CODINGS,
  tlvInteger,
  tlvString,
  type Alphabet,
  type ConcatInfo,
  type DeliverSm,
  type DeliveryReceipt,
  type TextCoding,
  type UserDataHeader,
} from '@app/smpp';
import { decide, type ActionDecision } from '../action';
import { ProviderInputError } from '../errors';
import { normaliseMessageId } from '../message-id';
import type { ProviderProfile } from '../profile';
import type { SmppAddress } from '../submit/address';
import { decodeNetworkErrorCode, NETWORK_TYPE_GSM, type NetworkErrorCode } from './network-error-code';
import type { ProviderErrorEntry } from './provider-error-table';
import { categoryOfState, DlrErr, fallbackErr, undeliverableCategory, type DlrCategory } from './taxonomy';

/** The deliver_sm fields parseDeliver reads. */
export type DeliverSmInput = Pick<
  DeliverSm,
  | 'esm_class'
  | 'data_coding'
  | 'short_message'
  | 'source_addr'
  | 'source_addr_ton'
  | 'source_addr_npi'
  | 'destination_addr'
  | 'dest_addr_ton'
  | 'dest_addr_npi'
  | 'tlvs'
>;

/** The provider's own error for a receipt, kept as it came. */
export interface DlrProviderError {
  /** Exactly as received: the receipt's `err` text ('126', '2306', '001'), or the TLV's code in decimal. */
  raw: string;
  source: 'err' | 'network_error_code';
  /** The provider's code: GatewayAPI err:126 is SMS error 0x107E; Infobip err:001 is GSM error 1. */
  code: number;
  /** The code as the provider writes it: '0x107E', '1'. */
  display: string;
  /** False when the provider's table does not list the code (the meaning is then unknown). */
  known: boolean;
  name?: string;
  group?: string;
  permanent?: boolean;
}

export interface UserMessageReference {
  /** The value as Latin-1 text up to any NUL (GatewayAPI sends the whole reference given on submit). */
  text: string;
  /** The SPEC form: a 2-octet integer, when the value has 2 octets. */
  integer?: number;
}

export interface InboundDlr {
  kind: 'dlr';
  /** Normalised for correlation (normaliseMessageId); from receipted_message_id when present. */
  providerMessageId: string;
  /** As received. */
  rawMessageId: string;
  /** esm_class 0x20, an intermediate notification: never final. */
  intermediate: boolean;
  /** From the message_state TLV when present, else from the receipt's stat. */
  messageState: DlrMessageState;
  /** The stat text as received, or the one of messageState when the text had none. */
  stat: string;
  /** Final at this provider (MTA's ACCEPTD is not). */
  final: boolean;
  category: DlrCategory;
  err: DlrErr;
  /** What the engine should do with the message; only for a final state. */
  decision?: ActionDecision;
  providerError?: DlrProviderError;
  networkErrorCode?: NetworkErrorCode;
  submitDate?: Date;
  doneDate?: Date;
  /** The receipt's text field (up to 20 characters). */
  text?: string;
  userMessageReference?: UserMessageReference;
  /** source_addr: the handset (receipts swap the MT's addresses; never used for correlation). */
  handset: string;
  /** destination_addr: the sender of the original message. */
  sender: string;
  /** The receipt text as parsed, when it could be. */
  receipt?: DeliveryReceipt;
  /** Things that were odd but not fatal: unreadable fields, TLVs and text that disagree. */
  problems: string[];
}

export type MoMessageType = 'normal' | 'sme-delivery-ack' | 'sme-manual-ack' | 'conversation-abort' | 'other';

export interface InboundMo {
  kind: 'mo';
  messageType: MoMessageType;
  /** The subscriber who sent it. */
  source: SmppAddress;
  /** Our number it was sent to. */
  destination: SmppAddress;
  /** destination_addr without a leading '+', for the numbers table. */
  destinationNumber: string;
  dataCoding: number;
  /** The alphabet of the body; data_coding 0 is the provider's default alphabet (ASCII at MTA). */
  alphabet: Alphabet;
  /** The body after any UDH. */
  userData: Buffer;
  /** The decoded text, for text alphabets this library decodes. */
  text?: string;
  concat?: ConcatInfo;
  udh?: UserDataHeader;
  tlvs: Tlv[];
  problems: string[];
}

export type InboundDeliver = InboundDlr | InboundMo;

/** SPEC §5.2.12 esm_class bits 5–2, SMSC → ESME. */
const MESSAGE_TYPE_MASK = 0x3c;
const RECEIPT = 0x04;
const INTERMEDIATE_NOTIFICATION = 0x20;
const MO_TYPES: Readonly<Record<number, MoMessageType>> = {
  0x00: 'normal',
  0x08: 'sme-delivery-ack',
  0x10: 'sme-manual-ack',
  0x18: 'conversation-abort',
};

/**
 * A deliver_sm from the provider as a delivery receipt (esm_class message type 0x04, or 0x20 for an
 * intermediate notification) or as an MO message (anything else). A receipt is normalised into our
 * taxonomy: state and finality per the profile, category, our `err`, the provider's own error kept
 * verbatim, and the action its error table recommends. TLVs win over text (receipted_message_id,
 * message_state): correlation uses the id, never the addresses. Throws ProviderInputError only when
 * a receipt names no message or no state.
 */
export function parseDeliver(pdu: DeliverSmInput, profile: ProviderProfile): InboundDeliver {
  const messageType = pdu.esm_class & MESSAGE_TYPE_MASK;
  if (messageType === RECEIPT || messageType === INTERMEDIATE_NOTIFICATION) {
    return parseReceipt(pdu, profile, messageType === INTERMEDIATE_NOTIFICATION);
  }
  return parseMo(pdu, profile, MO_TYPES[messageType] ?? 'other');
}

function parseReceipt(pdu: DeliverSmInput, profile: ProviderProfile, intermediate: boolean): InboundDlr {
  const problems: string[] = [];
  const payload = findTlv(pdu, Tlv.message_payload);
  const receiptText = (payload ?? pdu.short_message).toString('latin1');
  let receipt: DeliveryReceipt | undefined;
  try {
    receipt = parseDeliveryReceipt(receiptText);
    problems.push(...receipt.problems);
  } catch (error) {
    if (!(error instanceof DeliveryReceiptError)) throw error;
    problems.push(`receipt text: ${error.message}`);
  }

  const receiptedId = tlvText(findTlv(pdu, Tlv.receipted_message_id));
  const rawMessageId = receiptedId ?? receipt?.id;
  if (rawMessageId === undefined) {
    throw new ProviderInputError(
      'invalid-deliver',
      'receipt has neither receipted_message_id nor an id in its text',
    );
  }
  const providerMessageId = normaliseMessageId(rawMessageId, profile);
  if (
    receiptedId !== undefined &&
    receipt !== undefined &&
    normaliseMessageId(receipt.id, profile) !== providerMessageId
  ) {
    problems.push(`receipted_message_id ${receiptedId} differs from text id ${receipt.id}`);
  }

  const messageState = receiptState(pdu, receipt, problems);
  const final = !intermediate && isFinalAt(profile, messageState);
  const networkErrorCode = readNetworkErrorCode(pdu, problems);
  const provider = readProviderError(receipt, networkErrorCode, profile);
  const entry = provider?.entry;
  const { category, err } = classifyOutcome(messageState, final, entry);

  const dlr: InboundDlr = {
    kind: 'dlr',
    providerMessageId,
    rawMessageId,
    intermediate,
    messageState,
    stat: receipt?.stat ?? messageStateToStat(messageState),
    final,
    category,
    err,
    handset: pdu.source_addr,
    sender: pdu.destination_addr,
    problems,
  };
  if (final) dlr.decision = decisionFor(category, messageState, entry);
  if (provider !== undefined) dlr.providerError = provider.error;
  if (networkErrorCode !== undefined) dlr.networkErrorCode = networkErrorCode;
  if (receipt?.submitDate !== undefined) dlr.submitDate = receipt.submitDate;
  if (receipt?.doneDate !== undefined) dlr.doneDate = receipt.doneDate;
  if (receipt?.text !== undefined) dlr.text = receipt.text;
  const reference = findTlv(pdu, Tlv.user_message_reference);
  if (reference !== undefined) dlr.userMessageReference = userMessageReference(reference);
  if (receipt !== undefined) dlr.receipt = receipt;
  return dlr;
}

/** message_state from the TLV when it holds a valid state, else from the receipt's stat. */
function receiptState(
  pdu: DeliverSmInput,
  receipt: DeliveryReceipt | undefined,
  problems: string[],
): DlrMessageState {
  const tlv = findTlv(pdu, Tlv.message_state);
  const fromTlv = tlv === undefined ? undefined : tlvInteger(tlv);
  const tlvState = fromTlv !== undefined && isDlrMessageState(fromTlv) ? fromTlv : undefined;
  if (tlv !== undefined && tlvState === undefined)
    problems.push(`message_state TLV ${tlv.toString('hex')} is not a state`);
  const textState = receipt?.messageState;
  if (tlvState !== undefined && textState !== undefined && tlvState !== textState) {
    problems.push(`message_state TLV ${tlvState} differs from stat ${receipt?.stat}`);
  }
  const state = tlvState ?? textState;
  if (state === undefined) throw new ProviderInputError('invalid-deliver', 'receipt names no known state');
  return state;
}

function isFinalAt(profile: ProviderProfile, state: DlrMessageState): boolean {
  return state === DlrMessageState.ACCEPTED ? profile.receipts.acceptedIsFinal : isFinalMessageState(state);
}

function readNetworkErrorCode(pdu: DeliverSmInput, problems: string[]): NetworkErrorCode | undefined {
  const value = findTlv(pdu, Tlv.network_error_code);
  if (value === undefined) return undefined;
  const decoded = decodeNetworkErrorCode(value);
  if (decoded === undefined) problems.push(`network_error_code TLV has ${value.length} octets, not 3`);
  return decoded;
}

/**
 * The provider's error and its table entry. A profile that trusts the network_error_code TLV (Infobip:
 * the same GSM code as `err`, without the 3-digit limit) reads a GSM-type TLV first and the text
 * second; the others read only the text, since a TLV code is not in their table's code space.
 */
function readProviderError(
  receipt: DeliveryReceipt | undefined,
  networkErrorCode: NetworkErrorCode | undefined,
  profile: ProviderProfile,
): { error: DlrProviderError; entry: ProviderErrorEntry | undefined } | undefined {
  if (
    profile.receipts.errorSource === 'network_error_code' &&
    networkErrorCode?.networkType === NETWORK_TYPE_GSM
  ) {
    const { errorCode } = networkErrorCode;
    return describeError(String(errorCode), 'network_error_code', errorCode, profile);
  }
  if (receipt?.err === undefined) return undefined;
  const code = profile.hooks.providerErrorCode?.(receipt.err) ?? receipt.err;
  return describeError(receipt.raw['err'], 'err', code, profile);
}

function describeError(
  raw: string,
  source: DlrProviderError['source'],
  code: number,
  profile: ProviderProfile,
): { error: DlrProviderError; entry: ProviderErrorEntry | undefined } {
  const display =
    profile.receipts.errorCodeDisplay === 'hex'
      ? `0x${code.toString(16).toUpperCase().padStart(4, '0')}`
      : String(code);
  const entry = profile.receipts.errors.lookup(code);
  const error: DlrProviderError = { raw, source, code, display, known: entry !== undefined };
  if (entry !== undefined) {
    error.name = entry.name;
    if (entry.group !== undefined) error.group = entry.group;
    if (entry.permanent !== undefined) error.permanent = entry.permanent;
  }
  return { error, entry };
}

/** Category and our err: the state decides, the provider's error refines an UNDELIVERABLE. */
function classifyOutcome(
  state: DlrMessageState,
  final: boolean,
  entry: ProviderErrorEntry | undefined,
): { category: DlrCategory; err: DlrErr } {
  const category = categoryOfState(state, final);
  if (category === 'delivered') return { category, err: DlrErr.none };
  const reason = entry !== undefined && entry.err !== DlrErr.none ? entry.err : undefined;
  if (state === DlrMessageState.UNDELIVERABLE && reason !== undefined) {
    return { category: undeliverableCategory(reason), err: reason };
  }
  return { category, err: reason ?? fallbackErr(state, category) };
}

function decisionFor(
  category: DlrCategory,
  state: DlrMessageState,
  entry: ProviderErrorEntry | undefined,
): ActionDecision {
  if (category === 'delivered') return decide.ok('delivered');
  if (entry !== undefined && entry.err !== DlrErr.none) return entry.decision;
  if (category === 'rejected') return decide.reroute('rejected by the provider, no reason given');
  if (category === 'expired') return decide.fail('validity expired before delivery');
  return decide.fail(`${messageStateToStat(state)}, no reason given`);
}

function userMessageReference(value: Buffer): UserMessageReference {
  const reference: UserMessageReference = { text: tlvString(value) };
  if (value.length === 2) reference.integer = value.readUInt16BE(0);
  return reference;
}

function parseMo(pdu: DeliverSmInput, profile: ProviderProfile, messageType: MoMessageType): InboundMo {
  const problems: string[] = [];
  const info = interpretDataCoding(pdu.data_coding);
  const alphabet: Alphabet = info.smscDefault ? profile.coding.smscDefaultAlphabet : info.alphabet;
  const mo: InboundMo = {
    kind: 'mo',
    messageType,
    source: { addr: pdu.source_addr, ton: pdu.source_addr_ton, npi: pdu.source_addr_npi },
    destination: { addr: pdu.destination_addr, ton: pdu.dest_addr_ton, npi: pdu.dest_addr_npi },
    destinationNumber: pdu.destination_addr.replace(/^\+/, ''),
    dataCoding: pdu.data_coding,
    alphabet,
    userData: pdu.short_message,
    tlvs: pdu.tlvs,
    problems,
  };
  try {
    const body = parseMessageBody({
      shortMessage: pdu.short_message,
      esmClass: pdu.esm_class,
      tlvs: pdu.tlvs,
    });
    mo.userData = body.userData;
    if (body.udh !== undefined) mo.udh = body.udh;
    if (body.concat !== undefined) mo.concat = body.concat;
  } catch (error) {
    if (!(error instanceof MessageBodyError)) throw error;
    problems.push(`body: ${error.message}`);
  }
  if (isTextCoding(alphabet) && alphabet !== 'binary') {
    try {
      mo.text = decodeText(mo.userData, alphabet);
    } catch (error) {
      if (!(error instanceof TextDecodingError)) throw error;
      problems.push(error.message);
    }
  } else if (alphabet !== 'binary') {
    problems.push(`data_coding ${pdu.data_coding} (${alphabet}) is not decoded here`);
  }
  return mo;
}

function isTextCoding(alphabet: Alphabet): alphabet is TextCoding {
  return (TEXT_CODINGS as readonly string[]).includes(alphabet);
}

/** A text TLV's value, or undefined when absent or empty. */
function tlvText(value: Buffer | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = tlvString(value).trim();
  return text === '' ? undefined : text;
}
