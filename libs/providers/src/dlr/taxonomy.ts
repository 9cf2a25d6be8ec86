import { DlrMessageState } from '@app/smpp';

/** Our classification of a delivery outcome, the same for every provider. */
export type DlrCategory =
  'delivered' | 'permanent_failure' | 'temporary_failure' | 'expired' | 'rejected' | 'unknown' | 'pending';

/**
 * Our normalised `err`: three decimal digits, stable across providers, so that a tenant can act on
 * the reason without knowing who carried the message. The provider's own code is kept beside it,
 * verbatim (DlrProviderError).
 *
 * The first digit is the class of reason:
 * - 0: no error
 * - 1: a temporary subscriber or network condition; a later attempt may succeed
 * - 2: a permanent condition of the destination
 * - 3: the message, its sender or its content was refused
 * - 4: a provider, account or route problem; another provider may succeed
 * - 5: the message's life ended (validity expired, deleted)
 * - 9: unknown
 * `x99` in a class means "this class, no finer reason given".
 */
export const DlrErr = {
  none: '000',
  absentSubscriber: '101',
  subscriberBusy: '102',
  memoryFull: '103',
  networkFailure: '104',
  congestion: '105',
  roamingRestriction: '106',
  temporaryFailure: '199',
  unknownSubscriber: '201',
  destinationBarred: '202',
  serviceNotProvisioned: '203',
  invalidDestination: '204',
  optedOut: '205',
  permanentFailure: '299',
  senderRejected: '301',
  contentRejected: '302',
  invalidMessage: '303',
  duplicateMessage: '304',
  flooding: '305',
  messageRefused: '399',
  noRoute: '401',
  providerLimit: '402',
  providerConfiguration: '403',
  providerError: '404',
  expired: '501',
  deleted: '502',
  unknown: '999',
} as const;

export type DlrErr = (typeof DlrErr)[keyof typeof DlrErr];

/** One line per code, for the README and for logs. */
export const DLR_ERR_DESCRIPTIONS: Readonly<Record<DlrErr, string>> = {
  '000': 'no error',
  '101': 'absent subscriber (handset off, not reachable, detached)',
  '102': 'subscriber busy',
  '103': 'handset or message store memory full',
  '104': 'network or system failure (HLR, MSC, SMSC, signalling, time-out)',
  '105': 'congestion or rate limit',
  '106': 'roaming or location restriction',
  '199': 'temporary failure, no finer reason',
  '201': 'unknown subscriber',
  '202': 'destination barred or blocked',
  '203': 'service not provisioned or handset cannot receive SMS',
  '204': 'invalid destination number',
  '205': 'subscriber opted out',
  '299': 'permanent failure, no finer reason',
  '301': 'sender refused',
  '302': 'content refused',
  '303': 'message malformed for this provider (coding, length, parameters)',
  '304': 'duplicate message',
  '305': 'flooding: too many messages to one number',
  '399': 'message refused, no finer reason',
  '401': 'no route',
  '402': 'provider balance or spending limit exhausted',
  '403': 'provider account configuration',
  '404': 'provider internal error',
  '501': 'validity expired',
  '502': 'deleted before delivery',
  '999': 'unknown',
};

/**
 * Failure categories for an UNDELIVERABLE state: a reason of class 1 (subscriber or network may
 * recover) or 4 (another provider may succeed) is temporary; the rest are permanent.
 */
export function undeliverableCategory(err: DlrErr): 'temporary_failure' | 'permanent_failure' {
  return err[0] === '1' || err[0] === '4' ? 'temporary_failure' : 'permanent_failure';
}

/** The category of a state, before any provider error refines an UNDELIVERABLE. */
export function categoryOfState(state: DlrMessageState, final: boolean): DlrCategory {
  switch (state) {
    case DlrMessageState.DELIVERED:
      return 'delivered';
    case DlrMessageState.ACCEPTED:
      // SPEC §5.2.28: read on the subscriber's behalf (final, a success). Mobile Text Alerts and
      // Infobip use ACCEPTD for "accepted by the carrier, not yet confirmed" (non-final).
      return final ? 'delivered' : 'pending';
    case DlrMessageState.EXPIRED:
      return 'expired';
    case DlrMessageState.REJECTED:
      return 'rejected';
    case DlrMessageState.UNDELIVERABLE:
    case DlrMessageState.DELETED:
      return 'permanent_failure';
    case DlrMessageState.UNKNOWN:
      return 'unknown';
    case DlrMessageState.ENROUTE:
      return 'pending';
  }
}

/** Our err when the provider gave no usable reason. */
export function fallbackErr(state: DlrMessageState, category: DlrCategory): DlrErr {
  if (state === DlrMessageState.DELETED) return DlrErr.deleted;
  switch (category) {
    case 'delivered':
    case 'pending':
      return DlrErr.none;
    case 'expired':
      return DlrErr.expired;
    case 'rejected':
      return DlrErr.messageRefused;
    case 'temporary_failure':
      return DlrErr.temporaryFailure;
    case 'permanent_failure':
      return DlrErr.permanentFailure;
    case 'unknown':
      return DlrErr.unknown;
  }
}
