import { FramingError, SmppError } from '../errors';
import type { Frame } from '../pdu/types';

/** command_length(4) command_id(4) command_status(4) sequence_number(4), SPEC §3.2. */
export const HEADER_LENGTH = 16;
/** A 64 KiB message_payload plus the header: the largest PDU we accept unless configured otherwise. */
export const DEFAULT_MAX_COMMAND_LENGTH = 65536 + HEADER_LENGTH;
const MAX_UINT32 = 0xffffffff;

export interface FrameDecoderOptions {
  /** Largest acceptable command_length, header included; 65552 when omitted. */
  maxCommandLength?: number;
}

/**
 * Cuts whole PDUs out of a byte stream; no socket inside (modelled on node-postgres' pg-protocol
 * parser). Memory held between calls is the bytes of one incomplete PDU, never more than the
 * configured maximum, and only bytes actually received are ever allocated: a header's claim is
 * checked before any of its body is kept.
 */
export class FrameDecoder {
  private readonly maxCommandLength: number;
  /** Received bytes of the one incomplete PDU, in order; their total is `pendingLength`. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** command_length of the incomplete PDU once its header is complete, else 0. */
  private expectedLength = 0;
  private readonly header = Buffer.alloc(HEADER_LENGTH);
  private failure: FramingError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxCommandLength ?? DEFAULT_MAX_COMMAND_LENGTH;
    if (!Number.isInteger(max) || max < HEADER_LENGTH || max > MAX_UINT32) {
      throw new SmppError(
        'INVALID_MAX_COMMAND_LENGTH',
        `maxCommandLength must be an integer in [16, 4294967295], got ${String(max)}`,
      );
    }
    this.maxCommandLength = max;
  }

  /** Octets held for a PDU not yet complete. */
  get bufferedBytes(): number {
    return this.pendingLength;
  }

  /** The error that stopped this decoder, if one did. */
  get error(): FramingError | undefined {
    return this.failure;
  }

  /**
   * Feeds one chunk; calls onFrame for every whole PDU in order. Returns a FramingError when the
   * stream cannot be resynchronised (command_length < 16 or > maximum); the decoder is dead from then
   * on and returns that same error for every later chunk. When onFrame throws, the decoder dies too
   * and the exception propagates.
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): FramingError | undefined {
    if (this.failure !== undefined) return this.failure;
    try {
      let offset = this.pendingLength === 0 ? 0 : this.completePending(chunk, onFrame);
      if (offset < 0) return this.failure;
      const end = chunk.length;
      // Fast path: whole PDUs inside this chunk become views of it, no copy.
      while (end - offset >= HEADER_LENGTH) {
        const commandLength = chunk.readUInt32BE(offset);
        if (commandLength < HEADER_LENGTH || commandLength > this.maxCommandLength) {
          this.fail(commandLength, chunk.readUInt32BE(offset + 4), chunk.readUInt32BE(offset + 12));
          return this.failure;
        }
        if (end - offset < commandLength) {
          this.expectedLength = commandLength;
          break;
        }
        onFrame({
          command_length: commandLength,
          command_id: chunk.readUInt32BE(offset + 4),
          command_status: chunk.readUInt32BE(offset + 8),
          sequence_number: chunk.readUInt32BE(offset + 12),
          body: chunk.subarray(offset + HEADER_LENGTH, offset + commandLength),
        });
        offset += commandLength;
      }
      if (offset < end) {
        this.pending.push(offset === 0 ? chunk : chunk.subarray(offset));
        this.pendingLength = end - offset;
      }
      return undefined;
    } catch (error) {
      this.die(
        new FramingError('FRAME_HANDLER_FAILED', `the frame handler threw; the stream position is lost`),
      );
      throw error;
    }
  }

  /**
   * Adds the start of `chunk` to the incomplete PDU held from earlier chunks. Returns the offset in
   * `chunk` where the next PDU starts, `chunk.length` when all of it was kept, or -1 after failing.
   */
  private completePending(chunk: Buffer, onFrame: (frame: Frame) => void): number {
    let used = 0;
    if (this.expectedLength === 0) {
      // Collect the header first: 16 octets, copied into a fixed scratch buffer.
      const held = this.copyPending(this.header, HEADER_LENGTH);
      used = Math.min(HEADER_LENGTH - held, chunk.length);
      chunk.copy(this.header, held, 0, used);
      if (held + used < HEADER_LENGTH) {
        this.keep(chunk);
        return chunk.length;
      }
      const commandLength = this.header.readUInt32BE(0);
      if (commandLength < HEADER_LENGTH || commandLength > this.maxCommandLength) {
        this.fail(commandLength, this.header.readUInt32BE(4), this.header.readUInt32BE(12));
        return -1;
      }
      this.expectedLength = commandLength;
    }
    const missing = this.expectedLength - this.pendingLength;
    if (chunk.length < missing) {
      this.keep(chunk);
      return chunk.length;
    }
    const bytes = Buffer.allocUnsafe(this.expectedLength);
    const held = this.copyPending(bytes, this.pendingLength);
    chunk.copy(bytes, held, 0, missing);
    this.reset();
    onFrame({
      command_length: bytes.length,
      command_id: bytes.readUInt32BE(4),
      command_status: bytes.readUInt32BE(8),
      sequence_number: bytes.readUInt32BE(12),
      body: bytes.subarray(HEADER_LENGTH),
    });
    return missing;
  }

  /** Copies the first `limit` pending octets into `target` from offset 0; returns how many. */
  private copyPending(target: Buffer, limit: number): number {
    let copied = 0;
    for (let i = 0; i < this.pending.length && copied < limit; i++) {
      copied += this.pending[i].copy(target, copied, 0, Math.min(this.pending[i].length, limit - copied));
    }
    return copied;
  }

  private keep(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
  }

  private reset(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.expectedLength = 0;
  }

  private fail(commandLength: number, commandId: number, sequenceNumber: number): void {
    const tooShort = commandLength < HEADER_LENGTH;
    this.die(
      new FramingError(
        tooShort ? 'COMMAND_LENGTH_TOO_SHORT' : 'COMMAND_LENGTH_TOO_LONG',
        tooShort
          ? `command_length ${commandLength} is below the 16-octet header`
          : `command_length ${commandLength} exceeds the maximum of ${this.maxCommandLength}`,
        { command_id: commandId, sequence_number: sequenceNumber },
      ),
    );
  }

  private die(error: FramingError): void {
    this.failure = error;
    this.reset();
  }
}

/**
 * A Frame view (no copy) of one whole PDU already in memory, e.g. from encodePdu, a capture or a
 * test. Throws FramingError unless `pdu` is exactly one PDU by its command_length.
 */
export function readFrame(pdu: Buffer): Frame {
  const commandLength = pdu.length >= HEADER_LENGTH ? pdu.readUInt32BE(0) : -1;
  if (commandLength !== pdu.length) {
    throw new FramingError(
      'NOT_ONE_PDU',
      `expected one whole PDU; got ${pdu.length} octet(s) with command_length ${commandLength}`,
    );
  }
  return {
    command_length: commandLength,
    command_id: pdu.readUInt32BE(4),
    command_status: pdu.readUInt32BE(8),
    sequence_number: pdu.readUInt32BE(12),
    body: pdu.subarray(HEADER_LENGTH),
  };
}
