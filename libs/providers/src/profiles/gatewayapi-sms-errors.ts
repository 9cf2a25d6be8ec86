import { decide, type ActionDecision } from '../action';
import { createErrorTable, type ProviderErrorEntry } from '../dlr/provider-error-table';
import { DlrErr } from '../dlr/taxonomy';

/**
 * GatewayAPI SMS errors (providers.md §2.7, from GW-ERR: gatewayapi-docs `docs/errors.rst` @ da52fb9).
 * A receipt's `err` is the code's low three hex digits printed in decimal (002_*.txt: 0x107E is
 * sent as `err:126`; add 0x1000 to go back). The GWAPI codes 0x1902–0x1904 become 2306–2308, four
 * digits (providers.md §2.6, [inference]). Actions are providers.md's [policy] column.
 */
type Row = readonly [
  code: number,
  group: string,
  meaning: string,
  err: DlrErr,
  decision: (reason: string) => ActionDecision,
];

const failAndAlert = (reason: string): ActionDecision => ({ ...decide.fail(reason), alert: true });
const throttleThenReroute = (reason: string) => ({
  ...decide.throttle(reason),
  retries: 1,
  then: 'REROUTE' as const,
});

const E = DlrErr;
const ROWS: readonly Row[] = [
  // Codes ending 00–0F are generic in every origin (GW-ERR); only success and "unknown" occur in receipts.
  [0x1000, 'generic', 'success', E.none, decide.ok],
  [0x1001, 'HLR', 'unspecified delivery error', E.temporaryFailure, decide.reroute],
  [0x1010, 'HLR', 'unknown subscriber', E.unknownSubscriber, decide.fail],
  [0x1011, 'HLR', 'call barred', E.destinationBarred, decide.fail],
  [0x1012, 'HLR', 'teleservice not provisioned', E.serviceNotProvisioned, decide.fail],
  [0x1013, 'HLR', 'absent subscriber', E.absentSubscriber, decide.fail],
  [0x1014, 'HLR', 'facility not supported', E.serviceNotProvisioned, decide.fail],
  [0x1015, 'HLR', 'HLR system failure', E.networkFailure, decide.reroute],
  [0x1016, 'HLR', 'unexpected data value', E.networkFailure, decide.reroute],
  [0x1017, 'HLR', 'HLR data missing', E.networkFailure, decide.reroute],
  [0x1018, 'HLR', 'memory capacity exceeded', E.memoryFull, decide.retryLater],
  [0x1019, 'HLR', 'mobile subscriber not reachable', E.absentSubscriber, decide.fail],
  [0x101a, 'HLR', 'VLR system failure', E.networkFailure, decide.reroute],
  [0x101b, 'HLR', 'HLR internal error', E.networkFailure, decide.reroute],
  [0x1020, 'MSC', 'unidentified subscriber', E.unknownSubscriber, decide.fail],
  [0x1021, 'MSC', 'absent subscriber, IMSI detached', E.absentSubscriber, decide.fail],
  [0x1022, 'MSC', 'absent subscriber, no page response', E.absentSubscriber, decide.fail],
  [0x1023, 'MSC', 'subscriber busy for MT SMS', E.subscriberBusy, decide.retryLater],
  [0x1024, 'MSC', 'facility not supported', E.serviceNotProvisioned, decide.fail],
  [0x1025, 'MSC', 'illegal subscriber', E.invalidDestination, decide.fail],
  [0x1026, 'MSC', 'illegal equipment', E.serviceNotProvisioned, decide.fail],
  [0x1027, 'MSC', 'system failure', E.networkFailure, decide.reroute],
  [0x1028, 'MSC', 'unexpected data value', E.networkFailure, decide.reroute],
  [0x1029, 'MSC', 'data missing', E.networkFailure, decide.reroute],
  [0x102a, 'MSC', 'memory capacity exceeded', E.memoryFull, decide.retryLater],
  [0x102b, 'MSC', 'equipment protocol error', E.serviceNotProvisioned, decide.fail],
  [0x102c, 'MSC', 'equipment not SM equipped', E.serviceNotProvisioned, decide.fail],
  [0x102d, 'MSC', 'illegal error', E.networkFailure, decide.reroute],
  [0x102e, 'MSC', 'MSC internal error', E.networkFailure, decide.reroute],
  [0x1030, 'SCREEN', 'screening block', E.messageRefused, decide.reroute],
  [0x1031, 'SCREEN', 'terminating IMSI blocked', E.destinationBarred, decide.fail],
  [0x1032, 'SCREEN', 'originating location mismatch', E.senderRejected, decide.reroute],
  [0x1033, 'SCREEN', 'originator blocked', E.senderRejected, decide.reroute],
  [0x1034, 'SCREEN', 'destination blocked', E.destinationBarred, decide.fail],
  [0x1035, 'SCREEN', 'keyword blocked', E.contentRejected, decide.fail],
  [0x1036, 'SCREEN', 'SC address blocked', E.noRoute, decide.reroute],
  [0x1037, 'SCREEN', 'exceeded quota', E.congestion, decide.throttle],
  [0x1038, 'SCREEN', 'loop detected', E.noRoute, failAndAlert],
  [0x1039, 'SCREEN', 'data coding scheme blocked', E.invalidMessage, decide.malformed],
  [0x103a, 'SCREEN', 'information element identifier blocked', E.invalidMessage, decide.malformed],
  [0x103b, 'SCREEN', 'personal service barring, MO', E.destinationBarred, decide.fail],
  [0x103c, 'SCREEN', 'personal service barring, MT', E.destinationBarred, decide.fail],
  [0x1040, 'SMSC', 'unidentified subscriber', E.unknownSubscriber, decide.fail],
  [0x1041, 'SMSC', 'facility not supported', E.serviceNotProvisioned, decide.fail],
  [0x1042, 'SMSC', 'system failure', E.networkFailure, decide.reroute],
  [0x1043, 'SMSC', 'unexpected data value', E.networkFailure, decide.reroute],
  [0x1044, 'SMSC', 'data missing', E.networkFailure, decide.reroute],
  [0x1045, 'SMSC', 'equipment protocol error', E.serviceNotProvisioned, decide.fail],
  [0x1046, 'SMSC', 'unknown service centre address', E.noRoute, decide.reroute],
  [0x1047, 'SMSC', 'service centre congestion', E.congestion, throttleThenReroute],
  [0x1048, 'SMSC', 'invalid short message entity address', E.invalidDestination, decide.fail],
  [0x1049, 'SMSC', 'subscriber not service-centre subscriber', E.noRoute, decide.reroute],
  [0x104a, 'SMSC', 'SMSC internal error', E.networkFailure, decide.reroute],
  [0x1050, 'ROUTE', 'internal routing error', E.noRoute, decide.reroute],
  [0x1051, 'ROUTE', 'unsupported number plan', E.invalidMessage, decide.malformed],
  [0x1052, 'ROUTE', 'unsupported type of number', E.invalidMessage, decide.malformed],
  [0x1053, 'ROUTE', 'message not delivered', E.noRoute, decide.reroute],
  [0x1054, 'ROUTE', 'dialling zone not found', E.noRoute, decide.reroute],
  [0x1055, 'ROUTE', 'not home zone and IMSI not allowed', E.roamingRestriction, decide.reroute],
  [0x1056, 'ROUTE', 'not home zone and IMSI fetch failed', E.roamingRestriction, decide.reroute],
  [0x1057, 'ROUTE', 'destination network type unknown', E.noRoute, decide.reroute],
  [0x1060, 'ESME', 'invalid destination address', E.invalidDestination, decide.fail],
  [0x1061, 'ESME', 'invalid destination numbering plan', E.invalidMessage, decide.malformed],
  [0x1062, 'ESME', 'invalid destination type of number', E.invalidMessage, decide.malformed],
  [0x1063, 'ESME', 'invalid destination flag', E.invalidMessage, decide.malformed],
  [0x1064, 'ESME', 'invalid number of destinations', E.invalidMessage, decide.malformed],
  [0x1065, 'ESME', 'invalid source address', E.senderRejected, decide.reroute],
  [0x1066, 'ESME', 'invalid source numbering plan', E.invalidMessage, decide.malformed],
  [0x1067, 'ESME', 'invalid source type of number', E.invalidMessage, decide.malformed],
  [0x1068, 'ESME', 'ESME receiver permanent error', E.providerError, decide.reroute],
  [0x1069, 'ESME', 'ESME receiver reject error', E.providerError, decide.reroute],
  [0x106a, 'ESME', 'ESME receiver temporary error', E.providerError, decide.retry],
  [0x106b, 'ESME', 'invalid command length', E.invalidMessage, decide.malformed],
  [0x106c, 'ESME', 'invalid service type', E.invalidMessage, decide.malformed],
  [0x106d, 'ESME', 'invalid operation', E.invalidMessage, decide.malformed],
  [0x106e, 'ESME', 'operation not allowed', E.providerConfiguration, decide.reroute],
  [0x106f, 'ESME', 'invalid parameter', E.invalidMessage, decide.malformed],
  [0x1070, 'ESME', 'parameter not allowed', E.invalidMessage, decide.malformed],
  [0x1071, 'ESME', 'invalid parameter length', E.invalidMessage, decide.malformed],
  [0x1072, 'ESME', 'invalid optional parameter', E.invalidMessage, decide.malformed],
  [0x1073, 'ESME', 'optional parameter missing', E.invalidMessage, decide.malformed],
  [0x1074, 'ESME', 'invalid validity parameter', E.invalidMessage, decide.malformed],
  [0x1075, 'ESME', 'invalid scheduled delivery parameter', E.invalidMessage, decide.malformed],
  [0x1076, 'ESME', 'invalid distribution list', E.invalidMessage, decide.malformed],
  [0x1077, 'ESME', 'invalid message class', E.invalidMessage, decide.malformed],
  [0x1078, 'ESME', 'invalid message length', E.invalidMessage, decide.malformed],
  [0x1079, 'ESME', 'invalid message reference', E.invalidMessage, decide.malformed],
  [0x107a, 'ESME', 'invalid number of messages', E.invalidMessage, decide.malformed],
  [0x107b, 'ESME', 'invalid predefined message', E.invalidMessage, decide.malformed],
  [0x107c, 'ESME', 'invalid priority', E.invalidMessage, decide.malformed],
  [0x107d, 'ESME', 'invalid replace flag', E.invalidMessage, decide.malformed],
  [0x107e, 'ESME', 'request failed', E.providerError, decide.reroute],
  [0x107f, 'ESME', 'invalid delivery report request', E.invalidMessage, decide.malformed],
  [0x1080, 'ESME', 'message queue full', E.congestion, decide.throttle],
  // GW-ERR lists 0x1081 twice and 0x1082 three times with different meanings (providers.md §6 #5).
  [0x1081, 'ESME', 'external error / IMSI lookup blocked', E.providerError, decide.reroute],
  [
    0x1082,
    'ESME',
    'cannot find information / ESME error / ESME internal error',
    E.providerError,
    decide.reroute,
  ],
  [0x1083, 'ESME', 'ESME unknown external error', E.providerError, decide.reroute],
  [0x1084, 'ESME', 'invalid mobile subscriber', E.invalidDestination, decide.fail],
  [0x1085, 'ESME', 'short message exceeds maximum', E.invalidMessage, decide.malformed],
  [0x1086, 'ESME', 'unable to unpack GSM message', E.invalidMessage, decide.malformed],
  [0x1087, 'ESME', 'unable to convert IRA alphabet', E.invalidMessage, decide.malformed],
  [0x1090, 'SP', 'internal error', E.providerError, decide.reroute],
  [0x1091, 'SP', 'network time-out', E.networkFailure, decide.reroute],
  [0x1092, 'SP', 'operation barred, insufficient funds', E.providerLimit, decide.balance],
  [0x1093, 'SP', 'illegal mobile subscriber, blocked', E.destinationBarred, decide.fail],
  [0x1094, 'SP', 'refunded by network operator', E.permanentFailure, decide.fail],
  [0x1902, 'GWAPI', 'messageclass not configured', E.providerConfiguration, decide.malformed],
  [0x1903, 'GWAPI', 'link not whitelisted', E.contentRejected, decide.fail],
  [0x1904, 'GWAPI', 'message filtered by content', E.contentRejected, decide.fail],
];

export const GATEWAYAPI_SMS_ERRORS = createErrorTable(
  ROWS.map(([code, group, meaning, err, decision]): ProviderErrorEntry => ({
    code,
    name: meaning,
    group,
    err,
    decision: decision(meaning),
  })),
);

/** SMS error code of a receipt's decimal `err`: GatewayAPI keeps 0x07E of 0x107E and prints 126. */
export function gatewayApiSmsErrorCode(err: number): number {
  return 0x1000 + err;
}
