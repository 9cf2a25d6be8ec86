import { decide } from '../action';
import { EMPTY_ERROR_TABLE } from '../dlr/provider-error-table';
import type { ProviderProfile } from '../profile';
import { SMPP34_BIND } from './defaults';

/** Mobile Text Alerts, from its "SMPP Server" page (003_*.txt); [policy] values from providers.md §3. */
export const MTA_PROFILE: ProviderProfile = {
  id: 'mta',
  name: 'Mobile Text Alerts',
  sources: ['003_f413199034748f1e.txt'],
  connection: {
    endpoints: [{ role: 'tls', host: 'smpp.mobile-text-alerts.com', port: 2776, tls: true }],
    // "SMPP v5.0 (backwards compatible with v3.4)": we bind as 3.4.
    ...SMPP34_BIND,
    // "TLS is required. Plain-text TCP connections are not accepted."
    tls: 'required',
    endpointStrategy: 'failover',
    ipAllowList: 'unknown',
  },
  session: {
    // "bind_transceiver ... Recommended for most integrations."
    bindPlans: [{ sessions: ['transceiver'], receivesDeliveryReceipts: true }],
    // "An interval of 30 to 60 seconds is recommended."
    enquireLinkIntervalMs: 30_000,
    // "The server will close sessions that have not received any PDU ... within 120 seconds."
    serverInactivityTimeoutMs: 120_000,
    // "Wait 1 second ... wait 2 seconds ... doubling the wait time up to a maximum of 60 seconds."
    reconnect: { initialDelayMs: 1_000, maxDelayMs: 60_000, multiplier: 2, jitter: 0 },
    receiptsOnAnySession: true,
  },
  coding: {
    // "If data_coding is set to 0x00, the server will treat the encoding as ASCII."
    smscDefaultAlphabet: 'ascii',
    acceptedDataCodings: [0x00, 0x01, 0x03, 0x08],
    // [policy] Never GSM 03.38 code points: ASCII, else Latin-1, else UCS-2 (providers.md §3.3).
    autoCodings: ['ascii', 'latin1', 'ucs2'],
    keptAlphabets: ['latin1', 'ucs2'],
    dataCodingOf: { ascii: 0x01, latin1: 0x03, ucs2: 0x08 },
    binary: 'reroute',
    // "160 for ASCII/Latin-1"; per part with a UDH [policy] 153, as for GSM7.
    capacities: { ascii: { single: 160, multi: 153 }, latin1: { single: 160, multi: 153 } },
    concatenation: 'udh8',
  },
  flash: { method: 'unsupported', multipart: false },
  address: {
    // "Use E.164 format (e.g., +12125551234)."
    internationalFormat: 'plus-digits',
    destination: { ton: 1, npi: 1 },
    acceptedDestinationTons: [1],
    internationalSource: { ton: 1, npi: 1 },
    alphanumericSource: 'unsupported',
    // "You may leave this empty and Mobile Text Alerts will use your account's default sending number."
    accountDefaultSource: true,
  },
  tlvs: { submitTags: [], vendorTlvs: [] },
  messageId: { format: 'opaque' },
  // "Scheduling: Not available via SMPP"; validity is not documented either.
  scheduling: { schedule: 'hold', validity: 'omit' },
  receipts: {
    // "ACCEPTD: accepted by the carrier but delivery is not yet confirmed."
    acceptedIsFinal: false,
    // `err` carries "Mobile Text Alerts delivery status codes", not published (providers.md §3.7).
    errors: EMPTY_ERROR_TABLE,
    errorSource: 'err',
    errorCodeDisplay: 'decimal',
    text: { subDlvrd: true, textField: 'message' },
    tlvs: [],
  },
  features: { querySm: true, cancelSm: true, urlShortening: false },
  // MTA's table labels 0x0D and 0x0E with SPEC's 0x0A and 0x0B names (providers.md §6 #9); on a
  // submit_sm_resp its meaning holds, on a bind_resp SPEC's (bind failed, invalid password).
  submitStatus: {
    0x0000000d: { ...decide.reroute('invalid source address'), statusName: 'ESME_RINVSRCADR (MTA)' },
    0x0000000e: { ...decide.fail('invalid destination address'), statusName: 'ESME_RINVDSTADR (MTA)' },
    0x00000058: { ...decide.throttle('throttled: wait briefly and retry'), statusName: 'ESME_RTHROTTLED' },
  },
  bindStatus: {},
  hooks: {},
};
