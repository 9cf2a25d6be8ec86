/**
 * Typed errors of libs/smpp, split by what the receiver must do next (as in Cloudhopper / jsmpp):
 *
 * - FramingError: the byte stream cannot be resynchronised. Close the session (after a generic_nack
 *   carrying `sequence_number` when it is known, if you like).
 * - PduDecodeError: one whole PDU was cut from the stream but its body breaks a rule. The stream is
 *   intact: answer the request with `<command>_resp` (or generic_nack for an unknown command_id)
 *   carrying `command_status`, then carry on.
 * - PduEncodeError: a PDU we were asked to send breaks a rule; nothing was written.
 */
export class SmppError extends Error {
  /** Stable machine-readable reason, e.g. 'COMMAND_LENGTH_TOO_LONG'. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export class FramingError extends SmppError {
  /** From the header, when 16 octets of it arrived. */
  readonly sequence_number?: number;
  readonly command_id?: number;

  constructor(code: string, message: string, header?: { command_id: number; sequence_number: number }) {
    super(code, message);
    if (header !== undefined) {
      this.command_id = header.command_id;
      this.sequence_number = header.sequence_number;
    }
  }
}

export class PduDecodeError extends SmppError {
  /** The command_status to answer with (ESME_RINVCMDLEN, ESME_RINVCMDID, ESME_RINVSRCADR, ...). */
  readonly command_status: number;
  readonly command_id: number;
  readonly sequence_number: number;
  /** The mandatory field or TLV (by name, or tag in hex) at fault, when there is one. */
  readonly field?: string;

  constructor(
    code: string,
    message: string,
    details: { command_status: number; command_id: number; sequence_number: number; field?: string },
  ) {
    super(code, message);
    this.command_status = details.command_status;
    this.command_id = details.command_id;
    this.sequence_number = details.sequence_number;
    if (details.field !== undefined) this.field = details.field;
  }
}

export class PduEncodeError extends SmppError {
  /** The command being encoded. */
  readonly command: string;
  /** The mandatory field or TLV at fault, when there is one. */
  readonly field?: string;

  constructor(code: string, message: string, command: string, field?: string) {
    super(code, message);
    this.command = command;
    if (field !== undefined) this.field = field;
  }
}
