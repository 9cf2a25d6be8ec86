import { EMPTY_ERROR_TABLE } from '../dlr/provider-error-table';
import type { ProviderProfile } from '../profile';
import { SMPP34_BIND, SMPP_ADDRESSING } from './defaults';

/** LabsMobile, from "Sending SMS using the SMPP protocol" (004_*.txt); [policy] values from providers.md §4. */
export const LABSMOBILE_PROFILE: ProviderProfile = {
  id: 'labsmobile',
  name: 'LabsMobile',
  sources: ['004_58a27e634f72f489.txt'],
  connection: {
    // The seed says only "IP or domain of the SMPP server"; the host is from LM-WEB.
    endpoints: [{ role: 'primary', host: 'smpp.labsmobile.com', port: 2775, tls: false }],
    ...SMPP34_BIND,
    tls: 'unknown',
    endpointStrategy: 'failover',
    // Activation needs the "IP address of the server that will make the SMPP connections".
    ipAllowList: 'required',
  },
  session: {
    // Only bind_transmitter is listed, yet receipts come as deliver_sm (providers.md §4.2): [policy]
    // transceiver first, then a TX + RX pair, then TX alone without receipts.
    bindPlans: [
      { sessions: ['transceiver'], receivesDeliveryReceipts: true },
      { sessions: ['transmitter', 'receiver'], receivesDeliveryReceipts: true },
      { sessions: ['transmitter'], receivesDeliveryReceipts: false },
    ],
    // enquire_link is supported, its interval not stated: [policy] 30 s.
    enquireLinkIntervalMs: 30_000,
    reconnect: { initialDelayMs: 1_000, maxDelayMs: 60_000, multiplier: 2, jitter: 0.2 },
    receiptsOnAnySession: true,
  },
  coding: {
    smscDefaultAlphabet: 'gsm7',
    // "Standard SMS, Unicode SMS": no DCS values stated; [policy] 0 and 8 only.
    acceptedDataCodings: [0x00, 0x08],
    autoCodings: ['gsm7', 'ucs2'],
    keptAlphabets: ['ucs2'],
    dataCodingOf: { gsm7: 0x00, ucs2: 0x08 },
    binary: 'reroute',
    // Concatenated SMS is supported, the method not stated: [policy] UDH IE 0x00.
    concatenation: 'udh8',
  },
  flash: { method: 'unsupported', multipart: false },
  // Not documented; the sample receipt shows the handset as 573137464378 (digits, no '+'): [policy] SMPP's convention.
  address: SMPP_ADDRESSING,
  tlvs: { submitTags: [], vendorTlvs: [] },
  // Sample ids 68090a534e551 and 6809168bddf6b: 13 lowercase hex digits.
  messageId: { format: 'hex', example: '68090a534e551' },
  scheduling: { schedule: 'hold', validity: 'omit' },
  receipts: {
    acceptedIsFinal: true,
    // `err` is 000 on DELIVRD and 001 on the UNDELIV sample; the codes' meanings are not published.
    errors: EMPTY_ERROR_TABLE,
    errorSource: 'err',
    errorCodeDisplay: 'decimal',
    text: { subDlvrd: false, textField: 'none' },
    tlvs: [0x0427, 0x001e],
  },
  features: { querySm: false, cancelSm: false, urlShortening: false },
  submitStatus: {
    // "In case of receiving ESME_RUNKNOWNERR, check that your account has available balance ... the
    // destination phone number and the message content." Sent as a bare 16-octet PDU.
    0x000000ff: {
      action: 'REROUTE',
      reason: 'generic failure: balance, destination or content',
      suspectBalance: true,
      statusName: 'ESME_RUNKNOWNERR',
    },
  },
  bindStatus: {},
  hooks: {},
};
