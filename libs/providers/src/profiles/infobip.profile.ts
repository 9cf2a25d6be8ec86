import type { Tlv } from '@app/smpp';
import { decide } from '../action';
import { NUMBER_LOOKUP_TLV_DEFINITIONS } from '../infobip/number-lookup';
import type { OutboundMessage } from '../message';
import type { ProviderProfile } from '../profile';
import type { ShapeSubmitOptions } from '../submit/options';
import { SMPP34_BIND, SMPP_ADDRESSING } from './defaults';
import { INFOBIP_GSM_ERRORS } from './infobip-gsm-errors';
import { textTlv } from './tlv-values';

/** URL shortening TLVs (000_*.txt "URL Shortening"). */
export const InfobipTlv = {
  shortenUrl: 0x1494,
  customDomain: 0x1495,
  removeProtocol: 0x1496,
} as const;

/**
 * Infobip types these TLVString. [inference] In the OpenSMPP library Infobip links to, a TLVString
 * is a C-Octet String, so the value is sent NUL-terminated.
 */
function urlShorteningTlvs(_message: OutboundMessage, options: ShapeSubmitOptions): Tlv[] {
  const shortening = options.urlShortening;
  if (shortening === undefined) return [];
  // "Shorten Url: any value will enable; not required if Custom Domain TLV is set."
  const tlvs =
    shortening.customDomain !== undefined
      ? [textTlv(InfobipTlv.customDomain, shortening.customDomain.replace(/^https?:\/\//i, ''), 'nul')]
      : [textTlv(InfobipTlv.shortenUrl, 'true', 'nul')];
  if (shortening.removeProtocol !== undefined) {
    tlvs.push(textTlv(InfobipTlv.removeProtocol, String(shortening.removeProtocol), 'nul'));
  }
  return tlvs;
}

/** Infobip, from its "SMPP specification" (000_*.txt); [policy] values from providers.md §1. */
export const INFOBIP_PROFILE: ProviderProfile = {
  id: 'infobip',
  name: 'Infobip',
  sources: ['000_f5f6fa7035657346.txt'],
  connection: {
    endpoints: [
      { role: 'primary', host: 'smpp3.infobip.com', port: 8888, tls: false },
      { role: 'secondary', host: 'smpp1.infobip.com', port: 8888, tls: false },
      { role: 'tls', host: 'smpp2.infobip.com', port: 8887, tls: true },
    ],
    // Data-centre hosts (smpp-id1.infobip.com for Indonesian accounts) depend on the account: configuration.
    tls: 'optional',
    endpointStrategy: 'failover',
    ...SMPP34_BIND,
    allowLongPassword: true,
    ipAllowList: 'optional',
  },
  session: {
    bindPlans: [{ sessions: ['transceiver'], receivesDeliveryReceipts: true }],
    maxSessions: 4,
    // "timeout (keep alive or msg): 30 seconds"; [policy] enquire_link every 25 s stays inside it.
    enquireLinkIntervalMs: 25_000,
    serverInactivityTimeoutMs: 30_000,
    // Only primary/secondary hosts are given; [policy] 1 s doubling to 60 s, jittered (several sessions).
    reconnect: { initialDelayMs: 1_000, maxDelayMs: 60_000, multiplier: 2, jitter: 0.2 },
    // "Delivery reports will be sent equally over all of your available sessions."
    receiptsOnAnySession: true,
  },
  coding: {
    smscDefaultAlphabet: 'gsm7',
    // DCS 0 and 1 are both IA5/GSM7 at Infobip; 16 and 24 are flash.
    acceptedDataCodings: [0, 1, 3, 8, 16, 24],
    autoCodings: ['gsm7', 'ucs2'],
    keptAlphabets: ['latin1', 'ucs2'],
    dataCodingOf: { gsm7: 0x00, latin1: 0x03, ucs2: 0x08 },
    // Binary support is not documented (providers.md §1.3): reroute.
    binary: 'reroute',
    concatenation: 'udh8',
    // IB-ERR: REJECTED_MESSAGE_TOO_LONG above 25 parts.
    maxParts: 25,
  },
  // "Long SMS feature is not supported for Flash notifications."
  flash: { method: 'data-coding', multipart: false },
  // TON/NPI rules are not stated (providers.md §1.4): [policy] SMPP's convention.
  address: SMPP_ADDRESSING,
  tlvs: {
    submitTags: [InfobipTlv.shortenUrl, InfobipTlv.customDomain, InfobipTlv.removeProtocol],
    vendorTlvs: [
      { tag: InfobipTlv.shortenUrl, name: 'infobip_shorten_url', type: 'cstring' },
      { tag: InfobipTlv.customDomain, name: 'infobip_custom_domain', type: 'cstring' },
      { tag: InfobipTlv.removeProtocol, name: 'infobip_remove_protocol', type: 'cstring' },
      ...NUMBER_LOOKUP_TLV_DEFINITIONS,
    ],
  },
  messageId: { format: 'decimal', example: '40072910491427628' },
  // "Scheduled delivery is supported ... using relative time format."
  scheduling: { schedule: 'relative', validity: 'relative' },
  receipts: {
    // providers.md §1.7 [policy]: ENROUTE/ACCEPTD are pending (Infobip's PENDING_ACCEPTED group).
    acceptedIsFinal: false,
    errors: INFOBIP_GSM_ERRORS,
    // "Error code will be returned in the short_message ... or (if enabled) in Optional TLV 0x423."
    errorSource: 'network_error_code',
    errorCodeDisplay: 'decimal',
    text: { subDlvrd: true, textField: 'none' },
    tlvs: [0x0423, 0x0427, 0x001e],
  },
  features: {
    querySm: false,
    cancelSm: false,
    numberLookup: { systemType: 'HLR', bindType: 'transceiver' },
    urlShortening: true,
  },
  submitStatus: {
    0x0000000c: { ...decide.malformed('duplicate or invalid messageID'), statusName: 'ESME_RINVMSGID' },
    0x00000022: { ...decide.reroute('network not covered'), statusName: 'network not covered (Infobip)' },
    0x0000009f: {
      ...decide.malformed('invalid optional parameter length'),
      statusName: 'invalid optional parameter length (Infobip)',
    },
    0x000000ff: {
      ...decide.balance('account has insufficient balance'),
      statusName: 'insufficient balance (Infobip)',
    },
    0x000004a1: {
      ...decide.retry('system error or channel disabled', 2),
      statusName: 'system error or channel disabled (Infobip)',
    },
  },
  bindStatus: {
    0x0000000e: { ...decide.session('invalid credentials'), statusName: 'ESME_RINVPASWD' },
  },
  hooks: { submitTlvs: urlShorteningTlvs },
};
