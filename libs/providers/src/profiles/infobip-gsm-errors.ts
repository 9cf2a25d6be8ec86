import { decide, type ActionDecision } from '../action';
import {
  createErrorTable,
  type ProviderErrorEntry,
  type ProviderErrorRange,
} from '../dlr/provider-error-table';
import { DlrErr } from '../dlr/taxonomy';

/**
 * Infobip GSM error ids as they appear in receipts (`err:` and TLV 0x0423), from providers.md §1.7
 * (IB-ERR, the SMS-relevant part of Infobip's 541-entry list). Groups: 1 handset, 2 user,
 * 3 operator. `permanent` is Infobip's own flag, kept even where it looks odd (628 "temporary
 * handset failure" is permanent, 51 "resource limitation" too: providers.md §6 #8). Actions are
 * providers.md's [policy] column.
 */
type Row = readonly [
  id: number,
  name: string,
  group: 1 | 2 | 3,
  permanent: boolean,
  err: DlrErr,
  decision: (reason: string) => ActionDecision,
];

/** Infobip's own advice for EC_USER_OUT_OF_CREDIT: retry every 24 h for up to 7 days. */
const dailyForAWeek = (reason: string) => decide.retryLater(reason, 7);

const E = DlrErr;
const ROWS: readonly Row[] = [
  [0, 'NO_ERROR', 1, false, E.none, decide.ok],
  [1, 'EC_UNKNOWN_SUBSCRIBER', 1, true, E.unknownSubscriber, decide.fail],
  [5, 'EC_UNIDENTIFIED_SUBSCRIBER', 1, false, E.unknownSubscriber, decide.fail],
  [6, 'EC_ABSENT_SUBSCRIBER_SM', 1, false, E.absentSubscriber, decide.fail],
  [7, 'EC_UNKNOWN_EQUIPMENT', 1, false, E.serviceNotProvisioned, decide.fail],
  [8, 'EC_ROAMING_NOT_ALLOWED', 1, false, E.roamingRestriction, decide.reroute],
  [9, 'EC_ILLEGAL_SUBSCRIBER', 1, true, E.invalidDestination, decide.fail],
  [10, 'EC_BEARER_SERVICE_NOT_PROVISIONED', 3, true, E.serviceNotProvisioned, decide.fail],
  [11, 'EC_TELESERVICE_NOT_PROVISIONED', 1, true, E.serviceNotProvisioned, decide.fail],
  [12, 'EC_ILLEGAL_EQUIPMENT', 1, true, E.serviceNotProvisioned, decide.fail],
  [13, 'EC_CALL_BARRED', 1, false, E.destinationBarred, decide.fail],
  [15, 'EC_CUG_REJECT', 3, false, E.destinationBarred, decide.fail],
  [21, 'EC_FACILITY_NOT_SUPPORTED', 1, false, E.serviceNotProvisioned, decide.fail],
  [24, 'EC_NO_RADIO_RESOURCE_AVAILABLE', 3, false, E.congestion, decide.retryLater],
  [27, 'EC_ABSENT_SUBSCRIBER', 1, false, E.absentSubscriber, decide.fail],
  [31, 'EC_SUBSCRIBER_BUSY_FOR_MT_SMS', 1, false, E.subscriberBusy, decide.retryLater],
  [32, 'EC_SM_DELIVERY_FAILURE', 1, false, E.networkFailure, decide.reroute],
  [33, 'EC_MESSAGE_WAITING_LIST_FULL', 1, false, E.memoryFull, decide.retryLater],
  [34, 'EC_SYSTEM_FAILURE', 1, false, E.networkFailure, decide.reroute],
  [35, 'EC_DATA_MISSING', 1, false, E.networkFailure, decide.reroute],
  [36, 'EC_UNEXPECTED_DATA_VALUE', 1, false, E.networkFailure, decide.reroute],
  [51, 'EC_RESOURCE_LIMITATION', 3, true, E.congestion, decide.reroute],
  [71, 'EC_UNKNOWN_ALPHABET', 3, false, E.invalidMessage, decide.malformed],
  [255, 'EC_UNKNOWN_ERROR', 1, false, E.temporaryFailure, decide.reroute],
  [256, 'EC_SM_DF_MEMORYCAPACITYEXCEEDED', 1, false, E.memoryFull, decide.retryLater],
  [345, 'EC_OPERATOR_NOT_FOUND', 3, true, E.noRoute, decide.reroute],
  [351, 'EC_INVALID_DESTINATION_ADDRESS', 2, false, E.invalidDestination, decide.fail],
  [352, 'EC_INVALID_REQUEST_DESTINATION', 2, true, E.invalidDestination, decide.fail],
  [355, 'EC_MSG_TEXT_TOO_LONG', 2, true, E.invalidMessage, decide.malformed],
  [368, 'EC_INVALID_SOURCE_ADDRESS', 2, true, E.senderRejected, decide.reroute],
  [541, 'EC_LIMIT_REACHED', 2, false, E.congestion, decide.throttle],
  [542, 'EC_QUOTA_REACHED', 2, false, E.congestion, decide.reroute],
  [573, 'EC_SC_BLOCKED_BY_END_USER', 1, true, E.optedOut, decide.fail],
  [581, 'EC_USER_OUT_OF_CREDIT', 1, false, E.temporaryFailure, dailyForAWeek],
  [592, 'EC_ACCOUNT_NOT_PROVISIONED_FOR_CHANNEL', 3, true, E.providerConfiguration, decide.reroute],
  [603, 'EC_CONTENT_BLOCKED', 2, true, E.optedOut, decide.fail],
  [607, 'EC_REJECTED_SPAM_BY_OPERATOR', 2, true, E.contentRejected, decide.fail],
  [608, 'EC_SIGNALS_BLOCKED', 2, false, E.noRoute, decide.reroute],
  [628, 'EC_TEMPORARY_HANDSET_FAILURE', 1, true, E.temporaryFailure, decide.fail],
  [629, 'EC_DEST_ADDRESS_UNABLE_TO_RECEIVE_SMS', 1, true, E.serviceNotProvisioned, decide.fail],
  [630, 'DEST_OVERLOADED', 3, true, E.congestion, decide.reroute],
  [631, 'MOBILE_OPERATOR_NETWORK_ERROR', 3, true, E.networkFailure, decide.reroute],
  [632, 'SMS_REJECTED_BY_MOBILE_OPERATOR', 3, true, E.messageRefused, decide.reroute],
  [633, 'UNKNOWN_MOBILE_OPERATOR', 3, true, E.noRoute, decide.reroute],
  [2048, 'EC_TIME_OUT', 3, false, E.networkFailure, decide.reroute],
  [2049, 'EC_IMSI_BLACKLISTED', 2, true, E.destinationBarred, decide.fail],
  [2050, 'EC_DEST_ADDRESS_BLACKLISTED', 3, true, E.destinationBarred, decide.fail],
  [2052, 'EC_BLACKLISTED_DESTINATIONADDRESS', 2, true, E.destinationBarred, decide.fail],
  [2053, 'EC_BLACKLISTED_SENDERADDRESS', 2, true, E.senderRejected, decide.reroute],
  [3041, 'EC_DEACTIVATED_LIST', 2, true, E.destinationBarred, decide.fail],
  [4096, 'EC_INVALID_PDU_FORMAT', 2, true, E.invalidMessage, decide.malformed],
  [4097, 'EC_NOTSUBMITTEDTOGMSC', 3, false, E.networkFailure, decide.reroute],
  [4098, 'EC_VP_EXPIRED', 3, false, E.expired, decide.fail],
  [4099, 'EC_MONTHLY_LIMIT_REACHED', 2, true, E.providerLimit, decide.balance],
  [4100, 'EC_MESSAGE_CANCELED', 2, true, E.deleted, decide.reroute],
  [4101, 'EC_VALIDITY_EXPIRED', 2, true, E.expired, decide.fail],
  // providers.md lists group "2/3" for 4102.
  [4102, 'EC_NOTSUBMITTEDTOSMPPCHANNEL', 2, true, E.providerConfiguration, decide.reroute],
  [4103, 'EC_DESTINATION_FLOODING', 2, true, E.flooding, decide.fail],
  [4104, 'EC_DESTINATION_TXT_FLOODING', 2, true, E.flooding, decide.fail],
  [4202, 'EC_10DLC_LIMIT_REACHED', 2, true, E.providerLimit, decide.reroute],
  [5492, 'EC_DUPLICATE_MESSAGE', 3, true, E.duplicateMessage, decide.fail],
];

const RANGES: readonly ProviderErrorRange[] = [
  {
    from: 500,
    to: 509,
    name: 'EC_PROVIDER_GENERAL_ERROR … EC_DUPLICATED_INVOKE_ID',
    group: '1',
    permanent: false,
    err: E.networkFailure,
    decision: decide.reroute('provider general error (500–509)'),
  },
  {
    from: 1024,
    to: 1796,
    name: 'EC_OR_* / EC_NNR_* / EC_UA_* / EC_PA_* / EC_NC_* (SS7/TCAP protocol errors)',
    group: '1',
    permanent: false,
    err: E.networkFailure,
    decision: decide.reroute('SS7/TCAP protocol error'),
  },
];

export const INFOBIP_GSM_ERRORS = createErrorTable(
  ROWS.map(([id, name, group, permanent, err, decision]): ProviderErrorEntry => ({
    code: id,
    name,
    group: String(group),
    permanent,
    err,
    decision: decision(name),
  })),
  RANGES,
);
