import { Tlv } from '@app/smpp';
import { ProviderInputError } from '../errors';
import type { OutboundMessage } from '../message';
import type { ProviderEndpoint, ProviderProfile } from '../profile';
import type { ShapeSubmitOptions } from '../submit/options';
import { SMPP34_BIND, SMPP_ADDRESSING } from './defaults';
import { GATEWAYAPI_SMS_ERRORS, gatewayApiSmsErrorCode } from './gatewayapi-sms-errors';
import { textTlv } from './tlv-values';

/** GatewayAPI's own TLV to choose a message class (001_*.txt "TLV fields"). */
export const GATEWAYAPI_MESSAGE_CLASS_TLV = 0x2900;

function endpoints(domain: 'com' | 'eu'): ProviderEndpoint[] {
  return ['a', 'b'].flatMap((host) => [
    { role: host, host: `${host}.smpp.gatewayapi.${domain}`, port: 2775, tls: false },
    { role: `${host}-tls`, host: `${host}.smpp.gatewayapi.${domain}`, port: 8775, tls: true },
  ]);
}

/**
 * user_message_reference goes as text: GatewayAPI echoes "the first 20 characters" of it in the
 * receipt's text field and the whole value in TLV 0x0204 (002_*.txt), although its table calls the
 * field "2 bytes" and SPEC makes it a 2-octet integer (providers.md §2.5, [policy]). A number is sent
 * in SPEC's 2-octet form.
 */
function gatewayApiTlvs(message: OutboundMessage, options: ShapeSubmitOptions): Tlv[] {
  const tlvs: Tlv[] = [];
  const reference = message.userMessageReference;
  if (typeof reference === 'number') {
    if (!Number.isInteger(reference) || reference < 0 || reference > 0xffff) {
      throw new ProviderInputError('invalid-message', `user_message_reference ${reference} is not 0..65535`);
    }
    const value = Buffer.alloc(2);
    value.writeUInt16BE(reference);
    tlvs.push({ tag: Tlv.user_message_reference, value });
  } else if (reference !== undefined && reference !== '') {
    tlvs.push(textTlv(Tlv.user_message_reference, reference, 'none'));
  }
  if (options.messageClass !== undefined) {
    tlvs.push(textTlv(GATEWAYAPI_MESSAGE_CLASS_TLV, options.messageClass, 'none'));
  }
  return tlvs;
}

/** GatewayAPI, from its SMPP page (001_*.txt, 002_*.txt); [policy] values from providers.md §2. */
export const GATEWAYAPI_PROFILE: ProviderProfile = {
  id: 'gatewayapi',
  name: 'GatewayAPI',
  sources: ['001_8516fa0ae7d3550c.txt', '002_7c9d3076d1b57ca6.txt'],
  connection: {
    ...SMPP34_BIND,
    endpoints: endpoints('com'),
    // "If you use our EU setup, replace the .com part with .eu."
    regions: { eu: endpoints('eu') },
    tls: 'optional',
    // "We recommend connecting to two hosts ... only one host is restarted at a time."
    endpointStrategy: 'spread',
    ipAllowList: 'unknown',
  },
  session: {
    bindPlans: [{ sessions: ['transceiver'], receivesDeliveryReceipts: true }],
    enquireLinkIntervalMs: 30_000,
    // "Reconnect delay: 30 seconds."
    reconnect: { initialDelayMs: 30_000, maxDelayMs: 30_000, multiplier: 1, jitter: 0 },
    receiptsOnAnySession: true,
  },
  coding: {
    smscDefaultAlphabet: 'gsm7',
    // 1 is listed in one capture only, 2 and 6 not in the 2021 source (providers.md §2.3).
    acceptedDataCodings: [0, 1, 2, 3, 4, 6, 8, 24, 240],
    autoCodings: ['gsm7', 'ucs2'],
    // [policy] Send only the values every version agrees on: ASCII (1) goes as GSM7, Cyrillic (6) as UCS-2.
    keptAlphabets: ['latin1', 'ucs2'],
    dataCodingOf: { gsm7: 0x00, latin1: 0x03, ucs2: 0x08 },
    binary: { dataCoding: 0x04 },
    // "message_payload: for sending messages longer than 255 octets"; UDH support is not stated.
    concatenation: 'payload',
  },
  // "We would recommend using the TLV field dest_addr_subunit"; multipart flash is not documented.
  flash: { method: 'dest-addr-subunit', multipart: false },
  address: {
    ...SMPP_ADDRESSING,
    // "Only TON values of 0 and 1 are supported for destination addresses. 0 will be interpreted as 1."
    acceptedDestinationTons: [0, 1],
  },
  tlvs: {
    submitTags: [
      Tlv.dest_addr_subunit,
      Tlv.user_message_reference,
      Tlv.message_payload,
      GATEWAYAPI_MESSAGE_CLASS_TLV,
    ],
    vendorTlvs: [{ tag: GATEWAYAPI_MESSAGE_CLASS_TLV, name: 'gatewayapi_message_class', type: 'octets' }],
  },
  messageId: { format: 'decimal', example: '1390125333' },
  // "No support for scheduling delivery times currently."
  scheduling: { schedule: 'hold', validity: 'relative' },
  receipts: {
    // [policy] GW-REST: ACCEPTD is "accepted by the network on the end user's behalf", final.
    acceptedIsFinal: true,
    errors: GATEWAYAPI_SMS_ERRORS,
    errorSource: 'err',
    errorCodeDisplay: 'hex',
    text: { subDlvrd: true, textField: 'user_message_reference' },
    tlvs: [Tlv.user_message_reference],
  },
  features: { querySm: false, cancelSm: false, urlShortening: false },
  // command_status values are not documented (providers.md §2.8): SPEC defaults.
  submitStatus: {},
  bindStatus: {},
  hooks: { submitTlvs: gatewayApiTlvs, providerErrorCode: gatewayApiSmsErrorCode },
};
