import { SmppError } from '../errors';
import { statusName } from '../tables';
import type { SessionCloseReason, SessionState } from './session-state';

/** The session closed (or was already closed) before this request got its response. */
export class SmppSessionClosedError extends SmppError {
  constructor(readonly reason: SessionCloseReason) {
    super('SESSION_CLOSED', `SMPP session closed (${reason}) before the request completed`);
  }
}

/** The session's state does not allow sending this command (e.g. submit_sm before bind, anything while unbinding). */
export class SmppSessionStateError extends SmppError {
  constructor(
    readonly command: string,
    readonly state: SessionState,
  ) {
    super('INVALID_SESSION_STATE', `cannot send ${command} in session state ${state}`);
  }
}

/** No response arrived within the response timer (SPEC §7.2 response_timer). */
export class SmppResponseTimeoutError extends SmppError {
  constructor(
    readonly command: string,
    readonly sequence_number: number,
    readonly timeoutMs: number,
  ) {
    super(
      'RESPONSE_TIMEOUT',
      `no response to ${command} (sequence ${sequence_number}) within ${timeoutMs} ms`,
    );
  }
}

/** The window is full and so is the bounded queue of requests waiting for it. */
export class SmppWindowQueueFullError extends SmppError {
  constructor(readonly queueLimit: number) {
    super('WINDOW_QUEUE_FULL', `request queue full (${queueLimit} waiting for the window)`);
  }
}

/** The peer answered the request with generic_nack (SPEC §4.3). */
export class SmppGenericNackError extends SmppError {
  constructor(
    readonly command: string,
    readonly command_status: number,
  ) {
    super('GENERIC_NACK', `peer answered ${command} with generic_nack ${statusName(command_status)}`);
  }
}

/** A response carried our sequence number but answers another command (e.g. deliver_sm_resp to a submit_sm). */
export class SmppResponseMismatchError extends SmppError {
  constructor(
    readonly command: string,
    readonly responseCommandId: number,
    readonly sequence_number: number,
  ) {
    super(
      'RESPONSE_MISMATCH',
      `response 0x${responseCommandId.toString(16).padStart(8, '0')} with sequence ${sequence_number} does not answer ${command}`,
    );
  }
}

/** This command has no response PDU (outbind, alert_notification) or is a response itself. */
export class SmppNotARequestError extends SmppError {
  constructor(
    readonly command: string,
    hint = 'it is not a request that expects a response',
  ) {
    super('NOT_A_REQUEST', `cannot request() ${command}: ${hint}`);
  }
}

/** The SMSC answered our bind with a non-zero command_status. */
export class SmppBindRejectedError extends SmppError {
  constructor(
    readonly command: string,
    readonly command_status: number,
  ) {
    super('BIND_REJECTED', `${command} rejected with ${statusName(command_status)}`);
  }
}

/** respond() was called a second time for the same inbound request. */
export class SmppAlreadyRespondedError extends SmppError {
  constructor(
    readonly command: string,
    readonly sequence_number: number,
  ) {
    super('ALREADY_RESPONDED', `${command} (sequence ${sequence_number}) was already answered`);
  }
}

/** An option given to SmppSession or SmppClient is out of range. */
export class SmppConfigError extends SmppError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}
