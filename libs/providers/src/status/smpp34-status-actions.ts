import { CommandStatus as S } from '@app/smpp';
import { decide, type ActionDecision } from '../action';

/**
 * What a submit_sm_resp status means for the engine when the provider gives it no meaning of its own:
 * smpp34.md §3, the "Action [policy]" column (R retry, RR reroute, PF fail, TB throttle, S session,
 * BUG malformed). Statuses that only answer query_sm / cancel_sm / replace_sm are FAIL for that request.
 */
export const SMPP34_SUBMIT_ACTIONS: Readonly<Record<number, ActionDecision>> = {
  [S.ESME_ROK]: decide.ok('accepted'),
  [S.ESME_RINVMSGLEN]: decide.malformed('message length invalid: re-segment'),
  [S.ESME_RINVCMDLEN]: decide.malformed('command length invalid'),
  [S.ESME_RINVCMDID]: decide.malformed('command not supported by this peer'),
  [S.ESME_RINVBNDSTS]: { ...decide.retry('wrong bind state for submit_sm'), rebind: true },
  [S.ESME_RALYBND]: decide.session('already bound'),
  [S.ESME_RINVPRTFLG]: decide.malformed('invalid priority_flag'),
  [S.ESME_RINVREGDLVFLG]: decide.malformed('invalid registered_delivery'),
  [S.ESME_RSYSERR]: decide.retry('system error'),
  [S.ESME_RINVSRCADR]: decide.reroute('invalid source address: sender rules differ per provider'),
  [S.ESME_RINVDSTADR]: decide.fail('invalid destination address'),
  [S.ESME_RINVMSGID]: decide.fail('message_id invalid'),
  [S.ESME_RBINDFAIL]: decide.session('bind failed'),
  [S.ESME_RINVPASWD]: decide.session('invalid password'),
  [S.ESME_RINVSYSID]: decide.session('invalid system_id'),
  [S.ESME_RCANCELFAIL]: decide.fail('cancel_sm failed'),
  [S.ESME_RREPLACEFAIL]: decide.fail('replace_sm failed'),
  [S.ESME_RMSGQFUL]: decide.throttle('message queue full'),
  [S.ESME_RINVSERTYP]: decide.malformed('invalid service_type'),
  [S.ESME_RINVNUMDESTS]: decide.malformed('invalid number of destinations'),
  [S.ESME_RINVDLNAME]: decide.malformed('invalid distribution list name'),
  [S.ESME_RINVDESTFLAG]: decide.malformed('invalid dest_flag'),
  [S.ESME_RINVSUBREP]: decide.malformed('invalid submit-with-replace'),
  [S.ESME_RINVESMCLASS]: decide.malformed('invalid esm_class'),
  [S.ESME_RCNTSUBDL]: decide.malformed('cannot submit to distribution list'),
  [S.ESME_RSUBMITFAIL]: decide.retry('submit failed'),
  [S.ESME_RINVSRCTON]: decide.malformed('invalid source TON'),
  [S.ESME_RINVSRCNPI]: decide.malformed('invalid source NPI'),
  [S.ESME_RINVDSTTON]: decide.malformed('invalid destination TON'),
  [S.ESME_RINVDSTNPI]: decide.malformed('invalid destination NPI'),
  [S.ESME_RINVSYSTYP]: decide.session('invalid system_type'),
  [S.ESME_RINVREPFLAG]: decide.malformed('invalid replace_if_present_flag'),
  [S.ESME_RINVNUMMSGS]: decide.malformed('invalid number of messages'),
  [S.ESME_RTHROTTLED]: decide.throttle('throttled'),
  [S.ESME_RINVSCHED]: decide.malformed('invalid schedule_delivery_time'),
  [S.ESME_RINVEXPIRY]: decide.malformed('invalid validity_period'),
  [S.ESME_RINVDFTMSGID]: decide.malformed('invalid sm_default_msg_id'),
  [S.ESME_RX_T_APPN]: decide.retry('receiver temporary application error'),
  [S.ESME_RX_P_APPN]: decide.fail('receiver permanent application error'),
  [S.ESME_RX_R_APPN]: decide.fail('receiver rejected the message'),
  [S.ESME_RQUERYFAIL]: decide.fail('query_sm failed'),
  [S.ESME_RINVOPTPARSTREAM]: decide.malformed('error in the optional part of the PDU'),
  [S.ESME_ROPTPARNOTALLWD]: decide.malformed('optional parameter not allowed'),
  [S.ESME_RINVPARLEN]: decide.malformed('invalid parameter length'),
  [S.ESME_RMISSINGOPTPARAM]: decide.malformed('expected optional parameter missing'),
  [S.ESME_RINVOPTPARAMVAL]: decide.malformed('invalid optional parameter value'),
  [S.ESME_RDELIVERYFAILURE]: decide.reroute('delivery failure'),
  [S.ESME_RUNKNOWNERR]: decide.retry('unknown error'),
};

/** A reserved or vendor status the profile does not know: one retry, then the next provider. */
export const UNLISTED_SUBMIT_ACTION: ActionDecision = decide.retry('status not documented for this provider');

/**
 * bind_resp statuses. Credentials and configuration problems stop the reconnect storm (SESSION);
 * anything else is worth another bind after the reconnect backoff.
 */
export const SMPP34_BIND_ACTIONS: Readonly<Record<number, ActionDecision>> = {
  [S.ESME_ROK]: decide.ok('bound'),
  [S.ESME_RALYBND]: decide.session('already bound'),
  [S.ESME_RBINDFAIL]: decide.session('bind failed'),
  [S.ESME_RINVPASWD]: decide.session('invalid password'),
  [S.ESME_RINVSYSID]: decide.session('invalid system_id'),
  [S.ESME_RINVSYSTYP]: decide.session('invalid system_type'),
  [S.ESME_RINVCMDID]: decide.session('bind type not supported'),
  [S.ESME_RINVBNDSTS]: decide.session('bind type not allowed'),
  [S.ESME_RTHROTTLED]: decide.throttle('too many bind attempts'),
};

export const UNLISTED_BIND_ACTION: ActionDecision = {
  action: 'RETRY',
  reason: 'bind refused: bind again after the reconnect backoff',
};

/**
 * Bind refusals that may mean "this bind type is not offered" rather than "who are you": a profile
 * with another bind plan tries it (LabsMobile documents only bind_transmitter). Credential statuses
 * never qualify.
 */
export const BIND_TYPE_REFUSALS: ReadonlySet<number> = new Set([
  S.ESME_RINVCMDID,
  S.ESME_RINVBNDSTS,
  S.ESME_RBINDFAIL,
]);
