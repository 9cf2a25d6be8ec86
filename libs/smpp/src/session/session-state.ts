import type { CommandName } from '../pdu/types';

/** Which end of the link this session is: the ESME (client) or the SMSC (server). */
export type SessionRole = 'esme' | 'smsc';

/** SPEC §2.2: OPEN → BOUND_TX / BOUND_RX / BOUND_TRX → (unbind) → CLOSED. UNBINDING is the drain in between. */
export type SessionState = 'OPEN' | 'BOUND_TX' | 'BOUND_RX' | 'BOUND_TRX' | 'UNBINDING' | 'CLOSED';

export type BindType = 'transmitter' | 'receiver' | 'transceiver';

export type BindCommand = 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver';

/** Why a session closed; carried by the `closed` event and by SmppSessionClosedError. */
export type SessionCloseReason =
  | 'local' // close() called by the application
  | 'unbind' // unbind / unbind_resp exchanged (either side started it)
  | 'unbind_timeout' // our unbind got no unbind_resp in time
  | 'peer_closed' // the peer closed the TCP connection
  | 'socket_error'
  | 'framing_error' // unrecoverable: the byte stream cannot be resynchronised
  | 'session_init_timeout' // no successful bind within the session_init_timer (SPEC §7.2)
  | 'inactivity_timeout' // no PDU from the peer within the inactivity_timer (SPEC §7.2)
  | 'enquire_link_timeout'; // our enquire_link got no answer within the response timer

export const BIND_COMMAND_BY_TYPE: Readonly<Record<BindType, BindCommand>> = {
  transmitter: 'bind_transmitter',
  receiver: 'bind_receiver',
  transceiver: 'bind_transceiver',
};

const BIND_TYPE_BY_COMMAND: Readonly<Record<BindCommand, BindType>> = {
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
  bind_transceiver: 'transceiver',
};

const BOUND_STATE_BY_TYPE: Readonly<Record<BindType, SessionState>> = {
  transmitter: 'BOUND_TX',
  receiver: 'BOUND_RX',
  transceiver: 'BOUND_TRX',
};

export function isBindCommand(command: CommandName): command is BindCommand {
  return command in BIND_TYPE_BY_COMMAND;
}

export function bindTypeOf(command: BindCommand): BindType {
  return BIND_TYPE_BY_COMMAND[command];
}

export function boundStateFor(bindType: BindType): SessionState {
  return BOUND_STATE_BY_TYPE[bindType];
}

export function isBound(state: SessionState): boolean {
  return state === 'BOUND_TX' || state === 'BOUND_RX' || state === 'BOUND_TRX';
}

export function peerRoleOf(role: SessionRole): SessionRole {
  return role === 'esme' ? 'smsc' : 'esme';
}

type Permissions = Readonly<Partial<Record<CommandName, readonly SessionState[]>>>;

const TX: readonly SessionState[] = ['BOUND_TX', 'BOUND_TRX'];
const RX: readonly SessionState[] = ['BOUND_RX', 'BOUND_TRX'];
const ANY_BOUND: readonly SessionState[] = ['BOUND_TX', 'BOUND_RX', 'BOUND_TRX'];

/**
 * Requests each role may originate, by session state: SPEC §2.3 Table 2-1 "SMPP PDUs by session
 * state". The same table decides what we may send (our role) and what we accept (the peer's role);
 * responses are not listed because they answer a request the peer was allowed to send.
 */
const MAY_ORIGINATE: Readonly<Record<SessionRole, Permissions>> = {
  esme: {
    bind_transmitter: ['OPEN'],
    bind_receiver: ['OPEN'],
    bind_transceiver: ['OPEN'],
    submit_sm: TX,
    submit_multi: TX,
    data_sm: TX,
    query_sm: TX,
    cancel_sm: TX,
    replace_sm: TX,
    enquire_link: ANY_BOUND,
    unbind: ANY_BOUND,
  },
  smsc: {
    outbind: ['OPEN'],
    deliver_sm: RX,
    data_sm: RX,
    alert_notification: RX,
    enquire_link: ANY_BOUND,
    unbind: ANY_BOUND,
  },
};

/** Whether a peer in `role` may originate `command` while the session is in `state`. */
export function mayOriginate(role: SessionRole, state: SessionState, command: CommandName): boolean {
  return MAY_ORIGINATE[role][command]?.includes(state) ?? false;
}
