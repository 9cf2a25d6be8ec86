import { statusName } from '@app/smpp';
import type { ActionDecision } from '../action';
import { ProviderInputError } from '../errors';
import type { ProviderProfile, StatusOverride } from '../profile';
import {
  BIND_TYPE_REFUSALS,
  SMPP34_BIND_ACTIONS,
  SMPP34_SUBMIT_ACTIONS,
  UNLISTED_BIND_ACTION,
  UNLISTED_SUBMIT_ACTION,
} from './smpp34-status-actions';

export interface StatusClassification extends ActionDecision {
  commandStatus: number;
  /** The provider's name for the status where it has one (MTA calls 0x0E ESME_RINVDSTADR), else SPEC's. */
  statusName: string;
  /** Who decided: the provider's documents, smpp34.md §3, or neither (a status nobody lists). */
  source: 'provider' | 'smpp34' | 'unlisted';
}

export interface BindClassification extends StatusClassification {
  /** The refusal may be about the bind type rather than the credentials: another bind plan may work. */
  mayBeBindType: boolean;
}

/** What a submit_sm_resp command_status means at this provider. */
export function classifySubmitResp(commandStatus: number, profile: ProviderProfile): StatusClassification {
  return classify(commandStatus, profile.submitStatus, SMPP34_SUBMIT_ACTIONS, UNLISTED_SUBMIT_ACTION);
}

/**
 * What a bind_resp command_status means at this provider. A status that is an address error on
 * submit can be a credentials error on bind (MTA labels 0x0E ESME_RINVDSTADR; on a bind it is SPEC's
 * ESME_RINVPASWD), so the two are classified apart.
 */
export function classifyBindResp(commandStatus: number, profile: ProviderProfile): BindClassification {
  const classification = classify(
    commandStatus,
    profile.bindStatus,
    SMPP34_BIND_ACTIONS,
    UNLISTED_BIND_ACTION,
  );
  return { ...classification, mayBeBindType: BIND_TYPE_REFUSALS.has(commandStatus) };
}

/**
 * The bind plan to try after a bind of plan `planIndex` was refused with `commandStatus`, or
 * undefined when there is none (the refusal stands: classifyBindResp says what to do).
 */
export function nextBindPlan(
  profile: ProviderProfile,
  planIndex: number,
  commandStatus: number,
): number | undefined {
  const next = planIndex + 1;
  if (next >= profile.session.bindPlans.length) return undefined;
  return classifyBindResp(commandStatus, profile).mayBeBindType ? next : undefined;
}

function classify(
  commandStatus: number,
  overrides: Readonly<Record<number, StatusOverride>>,
  defaults: Readonly<Record<number, ActionDecision>>,
  unlisted: ActionDecision,
): StatusClassification {
  if (!Number.isInteger(commandStatus) || commandStatus < 0 || commandStatus > 0xffffffff) {
    throw new ProviderInputError(
      'invalid-status',
      `command_status ${commandStatus} is not a 32-bit unsigned integer`,
    );
  }
  const status = commandStatus;
  const override = overrides[status];
  if (override !== undefined) {
    const { statusName: name, ...decision } = override;
    return { ...decision, commandStatus: status, statusName: name, source: 'provider' };
  }
  const standard = defaults[status];
  return {
    ...(standard ?? unlisted),
    commandStatus: status,
    statusName: statusName(status),
    source: standard === undefined ? 'unlisted' : 'smpp34',
  };
}
