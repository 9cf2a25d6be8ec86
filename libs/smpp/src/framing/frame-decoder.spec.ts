import { FramingError, SmppError } from '../errors';
import type { Frame } from '../pdu/types';
import { DEFAULT_MAX_COMMAND_LENGTH, FrameDecoder, readFrame } from './frame-decoder';

function pdu(commandId: number, sequenceNumber: number, body: Buffer = Buffer.alloc(0), status = 0): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(16 + body.length, 0);
  header.writeUInt32BE(commandId, 4);
  header.writeUInt32BE(status, 8);
  header.writeUInt32BE(sequenceNumber, 12);
  return Buffer.concat([header, body]);
}

function header(commandLength: number, commandId = 0x15, sequenceNumber = 77): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32BE(commandLength, 0);
  bytes.writeUInt32BE(commandId, 4);
  bytes.writeUInt32BE(sequenceNumber, 12);
  return bytes;
}

/** Feeds the chunks in order; returns the frames and the first error. */
function feed(decoder: FrameDecoder, chunks: Buffer[]): { frames: Frame[]; error?: FramingError } {
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    const error = decoder.push(chunk, (frame) => frames.push(frame));
    if (error !== undefined) return { frames, error };
  }
  return { frames };
}

/** Wire images of the frames, to compare with the input stream. */
function reassemble(frames: Frame[]): Buffer {
  return Buffer.concat(
    frames.map((frame) =>
      Buffer.concat([
        header(frame.command_length, frame.command_id, frame.sequence_number).fill(0, 8, 12),
        frame.body,
      ]),
    ),
  );
}

const enquireLink = pdu(0x15, 1);
const submitSm = pdu(
  0x04,
  2,
  Buffer.from(
    '\x00\x01\x01447700900123\x00\x01\x01447700900124\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x05hello',
  ),
);
const submitSmResp = pdu(0x80000004, 2, Buffer.from('msg-1\x00'));
const stream = Buffer.concat([enquireLink, submitSm, submitSmResp, pdu(0x06, 3)]);

describe('FrameDecoder', () => {
  it('emits every PDU of a pipelined chunk, in order, as views of the chunk', () => {
    const { frames, error } = feed(new FrameDecoder(), [stream]);
    expect(error).toBeUndefined();
    expect(frames.map((f) => [f.command_id, f.sequence_number, f.command_length])).toEqual([
      [0x15, 1, 16],
      [0x04, 2, submitSm.length],
      [0x80000004, 2, submitSmResp.length],
      [0x06, 3, 16],
    ]);
    expect(frames[1].body.equals(submitSm.subarray(16))).toBe(true);
    // Zero copy: the body shares the chunk's memory.
    expect(frames[1].body.buffer).toBe(stream.buffer);
    expect(frames[1].body.byteOffset).toBe(stream.byteOffset + enquireLink.length + 16);
  });

  it('yields the same frames whichever single byte the stream is split at', () => {
    for (let split = 0; split <= stream.length; split++) {
      const decoder = new FrameDecoder();
      const { frames, error } = feed(decoder, [stream.subarray(0, split), stream.subarray(split)]);
      expect(error).toBeUndefined();
      expect(reassemble(frames).equals(stream)).toBe(true);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('yields the same frames when fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const chunks = [...stream].map((byte) => Buffer.from([byte]));
    const frames: Frame[] = [];
    chunks.forEach((chunk, index) => {
      expect(decoder.push(chunk, (frame) => frames.push(frame))).toBeUndefined();
      const consumed = reassemble(frames).length;
      expect(decoder.bufferedBytes).toBe(index + 1 - consumed);
    });
    expect(reassemble(frames).equals(stream)).toBe(true);
    expect(frames.map((f) => f.command_status)).toEqual([0, 0, 0, 0]);
  });

  it('reads command_status from the header', () => {
    const { frames } = feed(new FrameDecoder(), [pdu(0x80000004, 9, Buffer.alloc(0), 0xff)]);
    expect(frames[0]).toMatchObject({ command_status: 0xff, sequence_number: 9, command_length: 16 });
    expect(frames[0].body.length).toBe(0);
  });

  it('waits, without a frame, while the body is shorter than announced', () => {
    const decoder = new FrameDecoder();
    const partial = submitSm.subarray(0, submitSm.length - 1);
    const { frames, error } = feed(decoder, [partial]);
    expect(error).toBeUndefined();
    expect(frames).toEqual([]);
    expect(decoder.bufferedBytes).toBe(partial.length);
    const rest = feed(decoder, [submitSm.subarray(submitSm.length - 1)]);
    expect(rest.frames).toHaveLength(1);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('waits for all 16 header octets before judging command_length', () => {
    const decoder = new FrameDecoder();
    expect(feed(decoder, [header(0xffffffff).subarray(0, 15)]).error).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(15);
    const { error } = feed(decoder, [header(0xffffffff).subarray(15)]);
    expect(error).toBeInstanceOf(FramingError);
    expect(error).toMatchObject({ command_id: 0x15, sequence_number: 77 });
  });

  it.each([
    [0, 'COMMAND_LENGTH_TOO_SHORT'],
    [2, 'COMMAND_LENGTH_TOO_SHORT'],
    [15, 'COMMAND_LENGTH_TOO_SHORT'],
    [DEFAULT_MAX_COMMAND_LENGTH + 1, 'COMMAND_LENGTH_TOO_LONG'],
    [0x7fffffff, 'COMMAND_LENGTH_TOO_LONG'],
    [0xffffffff, 'COMMAND_LENGTH_TOO_LONG'],
  ])('rejects command_length %i with a FramingError carrying the header', (commandLength, code) => {
    for (const chunks of [
      [header(commandLength)],
      [enquireLink.subarray(0, 5), Buffer.concat([enquireLink.subarray(5), header(commandLength)])],
    ]) {
      const decoder = new FrameDecoder();
      const frames: Frame[] = [];
      let error: FramingError | undefined;
      for (const chunk of chunks) error ??= decoder.push(chunk, (frame) => frames.push(frame));
      expect(error).toBeInstanceOf(FramingError);
      expect(error).toBeInstanceOf(SmppError);
      expect(error).toMatchObject({ code, command_id: 0x15, sequence_number: 77 });
      expect(frames.length).toBe(chunks.length - 1);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('accepts exactly the configured maximum and rejects one octet more', () => {
    const body = Buffer.alloc(84);
    expect(feed(new FrameDecoder({ maxCommandLength: 100 }), [pdu(0x04, 1, body)]).frames).toHaveLength(1);
    const { error } = feed(new FrameDecoder({ maxCommandLength: 100 }), [pdu(0x04, 1, Buffer.alloc(85))]);
    expect(error?.code).toBe('COMMAND_LENGTH_TOO_LONG');
  });

  it('accepts a body of the default maximum (64 KiB message_payload)', () => {
    const big = pdu(0x103, 5, Buffer.alloc(DEFAULT_MAX_COMMAND_LENGTH - 16, 0x41));
    const { frames, error } = feed(new FrameDecoder(), [big.subarray(0, 1000), big.subarray(1000)]);
    expect(error).toBeUndefined();
    expect(frames[0].body.length).toBe(65536);
  });

  it.each([
    ['HTTP', Buffer.from('GET / HTTP/1.1\r\nHost: smpp.example.com\r\n\r\n', 'latin1')],
    [
      'TLS ClientHello',
      Buffer.from('160301020001000001fc0303' + 'ab'.repeat(32) + '20' + 'cd'.repeat(32), 'hex'),
    ],
  ])('rejects %s bytes on the plain port', (_name, bytes) => {
    const decoder = new FrameDecoder();
    const { frames, error } = feed(decoder, [bytes]);
    expect(frames).toEqual([]);
    expect(error?.code).toBe('COMMAND_LENGTH_TOO_LONG');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('stays dead after an error and returns the same error', () => {
    const decoder = new FrameDecoder();
    const first = feed(decoder, [header(3)]).error;
    const frames: Frame[] = [];
    expect(decoder.push(enquireLink, (frame) => frames.push(frame))).toBe(first);
    expect(decoder.error).toBe(first);
    expect(frames).toEqual([]);
  });

  it('never allocates more than the octets received, whatever a header claims', () => {
    const allocUnsafe = jest.spyOn(Buffer, 'allocUnsafe');
    const alloc = jest.spyOn(Buffer, 'alloc');
    try {
      const decoder = new FrameDecoder();
      const claim = header(DEFAULT_MAX_COMMAND_LENGTH);
      expect(
        feed(decoder, [claim.subarray(0, 7), claim.subarray(7), Buffer.alloc(10)]).error,
      ).toBeUndefined();
      expect(decoder.bufferedBytes).toBe(26);
      const sizes = [...allocUnsafe.mock.calls, ...alloc.mock.calls].map(([size]) => size);
      expect(sizes.filter((size) => size > 26)).toEqual([]);
    } finally {
      allocUnsafe.mockRestore();
      alloc.mockRestore();
    }
  });

  it('dies when the frame handler throws, and lets the exception through', () => {
    const decoder = new FrameDecoder();
    const boom = new Error('handler failed');
    expect(() =>
      decoder.push(stream, () => {
        throw boom;
      }),
    ).toThrow(boom);
    expect(decoder.error?.code).toBe('FRAME_HANDLER_FAILED');
    expect(decoder.push(enquireLink, () => undefined)).toBe(decoder.error);
  });

  it('ignores empty chunks', () => {
    const decoder = new FrameDecoder();
    const { frames } = feed(decoder, [
      Buffer.alloc(0),
      enquireLink.subarray(0, 3),
      Buffer.alloc(0),
      enquireLink.subarray(3),
    ]);
    expect(frames).toHaveLength(1);
  });

  it.each([0, 15, 1.5, 2 ** 32, Number.NaN])('refuses maxCommandLength %p', (max) => {
    expect(() => new FrameDecoder({ maxCommandLength: max })).toThrow(SmppError);
  });
});

describe('readFrame', () => {
  it('views one whole PDU as a Frame without copying', () => {
    const frame = readFrame(submitSm);
    expect(frame).toMatchObject({
      command_length: submitSm.length,
      command_id: 0x04,
      command_status: 0,
      sequence_number: 2,
    });
    expect(frame.body.buffer).toBe(submitSm.buffer);
    expect(frame.body.equals(submitSm.subarray(16))).toBe(true);
  });

  it.each([
    ['a short buffer', enquireLink.subarray(0, 15)],
    ['a truncated PDU', submitSm.subarray(0, submitSm.length - 1)],
    ['two PDUs', Buffer.concat([enquireLink, enquireLink])],
  ])('refuses %s', (_name, bytes) => {
    expect(() => readFrame(bytes)).toThrow(expect.objectContaining({ code: 'NOT_ONE_PDU' }));
  });
});
