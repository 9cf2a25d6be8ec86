import { PDU } from 'smpp/lib/pdu';
import { PduDecodeError, PduEncodeError, SmppError } from '../errors';
import { readFrame } from '../framing/frame-decoder';
import type { Frame, OtherPdu, Pdu } from '../pdu/types';
import { CommandId } from '../tables/command-id';
import { CommandStatus as S } from '../tables/command-status';
import { Tlv, createTlv } from '../tables/tlv';
import { createPdu, createResponse } from './create';
import { decodePdu } from './decode';
import { encodePdu, genericNack } from './encode';

const cstr = (text: string): Buffer => Buffer.from(`${text}\0`, 'latin1');
const u8 = (...values: number[]): Buffer => Buffer.from(values);
const tlv = (tag: number, value: Buffer): Buffer =>
  Buffer.concat([u8(tag >> 8, tag & 0xff, value.length >> 8, value.length & 0xff), value]);

function frame(commandId: number, body: Buffer, sequenceNumber = 42, status = 0): Frame {
  return {
    command_length: 16 + body.length,
    command_id: commandId,
    command_status: status,
    sequence_number: sequenceNumber,
    body,
  };
}

/** submit_sm body with the given parts replaced (SPEC §4.4.1 field order). */
function submitBody(
  parts: Partial<
    Record<'service_type' | 'source' | 'destination' | 'schedule' | 'validity' | 'message' | 'tail', Buffer>
  > = {},
): Buffer {
  return Buffer.concat([
    parts.service_type ?? cstr(''),
    u8(1, 1),
    parts.source ?? cstr('447700900123'),
    u8(1, 1),
    parts.destination ?? cstr('447700900124'),
    u8(0, 0, 0),
    parts.schedule ?? cstr(''),
    parts.validity ?? cstr(''),
    u8(1, 0, 0, 0),
    parts.message ?? Buffer.concat([u8(5), Buffer.from('hello')]),
    parts.tail ?? Buffer.alloc(0),
  ]);
}

function bindBody(
  fields: { system_id?: string; password?: string; system_type?: string; address_range?: string } = {},
): Buffer {
  return Buffer.concat([
    cstr(fields.system_id ?? 'acme'),
    cstr(fields.password ?? 'secret'),
    cstr(fields.system_type ?? ''),
    u8(0x34, 0, 0),
    cstr(fields.address_range ?? ''),
  ]);
}

function decodeError(input: Frame, options?: { allowLongPassword?: boolean }): PduDecodeError {
  try {
    decodePdu(input, options);
  } catch (error) {
    if (error instanceof PduDecodeError) return error;
    throw error;
  }
  throw new Error('decodePdu accepted the frame');
}

describe('decodePdu', () => {
  it('decodes a submit_sm field by field, keeping TLVs raw and in order', () => {
    const unknown = tlv(0x7777, Buffer.from('vendor'));
    const pdu = decodePdu(
      frame(
        CommandId.submit_sm,
        submitBody({ tail: Buffer.concat([tlv(Tlv.sar_msg_ref_num, u8(0, 9)), unknown]) }),
      ),
    );
    expect(pdu).toEqual({
      command: 'submit_sm',
      command_id: 4,
      command_status: 0,
      sequence_number: 42,
      service_type: '',
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: '447700900123',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: '447700900124',
      esm_class: 0,
      protocol_id: 0,
      priority_flag: 0,
      schedule_delivery_time: '',
      validity_period: '',
      registered_delivery: 1,
      replace_if_present_flag: 0,
      data_coding: 0,
      sm_default_msg_id: 0,
      short_message: Buffer.from('hello'),
      tlvs: [
        { tag: Tlv.sar_msg_ref_num, value: u8(0, 9) },
        { tag: 0x7777, value: Buffer.from('vendor') },
      ],
    });
  });

  it('re-encodes a decoded PDU, unknown TLVs included, to the same bytes', () => {
    const bytes = Buffer.concat([
      Buffer.alloc(16),
      submitBody({ schedule: cstr('250101120000000+'), tail: tlv(0x3fff, u8(1, 2, 3)) }),
    ]);
    bytes.writeUInt32BE(bytes.length, 0);
    bytes.writeUInt32BE(CommandId.submit_sm, 4);
    bytes.writeUInt32BE(7, 12);
    expect(encodePdu(decodePdu(readFrame(bytes))).equals(bytes)).toBe(true);
  });

  it('decodes a bare 16-octet error response with empty fields (LabsMobile submit_sm_resp, status 0xFF)', () => {
    expect(decodePdu(frame(CommandId.submit_sm_resp, Buffer.alloc(0), 9, 0xff))).toEqual({
      command: 'submit_sm_resp',
      command_id: CommandId.submit_sm_resp,
      command_status: 0xff,
      sequence_number: 9,
      message_id: '',
      tlvs: [],
    });
    expect(decodePdu(frame(CommandId.query_sm_resp, Buffer.alloc(0), 9, 0x67))).toMatchObject({
      message_id: '',
      final_date: '',
      message_state: 0,
    });
    expect(decodePdu(frame(CommandId.deliver_sm_resp, Buffer.alloc(0), 9, 0))).toMatchObject({
      message_id: '',
      command_status: 0,
    });
  });

  it('decodes a response nobody asked for like any other (the session decides what to do)', () => {
    expect(decodePdu(frame(CommandId.submit_sm_resp, cstr('abc'), 0x7fffffff))).toMatchObject({
      command: 'submit_sm_resp',
      message_id: 'abc',
      sequence_number: 0x7fffffff,
    });
  });

  it('decodes a data_sm_resp error with its delivery_failure_reason TLV', () => {
    const pdu = decodePdu(
      frame(
        CommandId.data_sm_resp,
        Buffer.concat([cstr(''), tlv(Tlv.delivery_failure_reason, u8(1))]),
        3,
        0xfe,
      ),
    );
    expect(pdu).toMatchObject({
      command: 'data_sm_resp',
      command_status: 0xfe,
      tlvs: [{ tag: Tlv.delivery_failure_reason, value: u8(1) }],
    });
  });

  it.each([
    ['a reserved id', 0x0000000a],
    ['a 5.0 command', 0x00000111],
    ['a response to nothing 3.4 defines', 0x80000102],
    ['a vendor id', 0x00010000],
  ])('answers %s with ESME_RINVCMDID', (_name, commandId) => {
    expect(decodeError(frame(commandId, Buffer.alloc(0), 5))).toMatchObject({
      code: 'UNKNOWN_COMMAND_ID',
      command_status: S.ESME_RINVCMDID,
      command_id: commandId,
      sequence_number: 5,
    });
  });

  it.each([
    ['enquire_link', CommandId.enquire_link],
    ['unbind_resp', CommandId.unbind_resp],
    ['generic_nack', CommandId.generic_nack],
  ])('refuses a body after a bare %s with ESME_RINVCMDLEN', (_name, commandId) => {
    expect(decodeError(frame(commandId, u8(0)))).toMatchObject({
      code: 'BODY_NOT_EMPTY',
      command_status: S.ESME_RINVCMDLEN,
    });
  });

  it('refuses a frame whose command_length disagrees with its body', () => {
    expect(
      decodeError({ ...frame(CommandId.enquire_link, Buffer.alloc(0)), command_length: 17 }).command_status,
    ).toBe(S.ESME_RINVCMDLEN);
  });

  it.each([
    ['inside a C-string with no NUL before the end', submitBody().subarray(0, 8)],
    ['before an integer field', submitBody().subarray(0, 14)],
    ['before sm_length', submitBody().subarray(0, submitBody().length - 6)],
  ])('answers a body that ends %s with ESME_RINVCMDLEN', (_name, body) => {
    expect(decodeError(frame(CommandId.submit_sm, body))).toMatchObject({
      code: 'BODY_TOO_SHORT',
      command_status: S.ESME_RINVCMDLEN,
    });
  });

  it.each([
    ['service_type', { service_type: cstr('ABCDEF') }, S.ESME_RINVSERTYP],
    ['source_addr', { source: cstr('1'.repeat(21)) }, S.ESME_RINVSRCADR],
    ['destination_addr', { destination: cstr('1'.repeat(21)) }, S.ESME_RINVDSTADR],
    ['schedule_delivery_time', { schedule: cstr('1'.repeat(17)) }, S.ESME_RINVSCHED],
    ['validity_period', { validity: cstr('1'.repeat(17)) }, S.ESME_RINVEXPIRY],
  ])('answers an over-long %s with its own status', (field, parts, status) => {
    expect(decodeError(frame(CommandId.submit_sm, submitBody(parts)))).toMatchObject({
      code: 'CSTRING_TOO_LONG',
      command_status: status,
      field,
    });
  });

  it('accepts C-strings of exactly their maximum size', () => {
    const pdu = decodePdu(
      frame(
        CommandId.submit_sm,
        submitBody({
          service_type: cstr('ABCDE'),
          source: cstr('1'.repeat(20)),
          destination: cstr('2'.repeat(20)),
        }),
      ),
    );
    expect(pdu).toMatchObject({
      service_type: 'ABCDE',
      source_addr: '1'.repeat(20),
      destination_addr: '2'.repeat(20),
    });
  });

  it.each([
    ['schedule_delivery_time', { schedule: cstr('250101120000') }, S.ESME_RINVSCHED],
    ['validity_period', { validity: cstr('000001000000000') }, S.ESME_RINVEXPIRY],
  ])('answers a %s that is neither empty nor 16 characters with its own status', (field, parts, status) => {
    expect(decodeError(frame(CommandId.submit_sm, submitBody(parts)))).toMatchObject({
      code: 'TIME_LENGTH_INVALID',
      command_status: status,
      field,
    });
  });

  it('answers sm_length over 254 or past the end of the PDU with ESME_RINVMSGLEN', () => {
    const over = submitBody({ message: Buffer.concat([u8(255), Buffer.alloc(255, 0x41)]) });
    expect(decodeError(frame(CommandId.submit_sm, over))).toMatchObject({
      code: 'SM_LENGTH_INVALID',
      command_status: S.ESME_RINVMSGLEN,
    });
    const past = submitBody({ message: Buffer.concat([u8(10), Buffer.from('short')]) });
    expect(decodeError(frame(CommandId.submit_sm, past))).toMatchObject({
      code: 'SM_LENGTH_INVALID',
      command_status: S.ESME_RINVMSGLEN,
    });
  });

  it('answers short_message together with message_payload with ESME_RINVMSGLEN', () => {
    const both = submitBody({ tail: tlv(Tlv.message_payload, Buffer.from('payload')) });
    expect(decodeError(frame(CommandId.deliver_sm, both))).toMatchObject({
      code: 'SHORT_MESSAGE_AND_PAYLOAD',
      command_status: S.ESME_RINVMSGLEN,
    });
    const payloadOnly = submitBody({
      message: u8(0),
      tail: tlv(Tlv.message_payload, Buffer.from('payload')),
    });
    expect(decodePdu(frame(CommandId.submit_sm, payloadOnly))).toMatchObject({
      short_message: Buffer.alloc(0),
    });
  });

  it('answers a TLV that runs past the end, or a torn TLV header, with ESME_RINVOPTPARSTREAM', () => {
    const past = submitBody({ tail: tlv(Tlv.receipted_message_id, cstr('abc')).subarray(0, 6) });
    expect(decodeError(frame(CommandId.submit_sm, past))).toMatchObject({
      code: 'TLV_PAST_END',
      command_status: S.ESME_RINVOPTPARSTREAM,
      field: 'receipted_message_id',
    });
    const torn = submitBody({ tail: u8(0x02, 0x04) });
    expect(decodeError(frame(CommandId.submit_sm, torn))).toMatchObject({
      code: 'TLV_TRUNCATED',
      command_status: S.ESME_RINVOPTPARSTREAM,
    });
  });

  it('answers a known TLV of the wrong length with ESME_RINVPARLEN', () => {
    const wide = submitBody({ tail: tlv(Tlv.message_state, u8(0, 2)) });
    expect(decodeError(frame(CommandId.deliver_sm, wide))).toMatchObject({
      code: 'TLV_LENGTH_INVALID',
      command_status: S.ESME_RINVPARLEN,
      field: 'message_state',
    });
    const long = submitBody({ tail: tlv(Tlv.receipted_message_id, Buffer.alloc(66, 0x31)) });
    expect(decodeError(frame(CommandId.deliver_sm, long)).command_status).toBe(S.ESME_RINVPARLEN);
  });

  it('accepts a text user_message_reference as GatewayAPI echoes it, and refuses one over 65 octets', () => {
    const reference = Buffer.from('ORDER-2024-000123456789', 'latin1');
    const pdu = decodePdu(
      frame(CommandId.deliver_sm, submitBody({ tail: tlv(Tlv.user_message_reference, reference) })),
    );
    expect(pdu.tlvs).toEqual([{ tag: Tlv.user_message_reference, value: reference }]);
    expect(
      encodePdu(createPdu('deliver_sm', { tlvs: [{ tag: Tlv.user_message_reference, value: reference }] })),
    ).toBeInstanceOf(Buffer);
    // A number still lays out as the spec's 2-octet integer.
    expect(createTlv(Tlv.user_message_reference, 0x1234).value).toEqual(Buffer.from([0x12, 0x34]));
    const tooLong = submitBody({ tail: tlv(Tlv.user_message_reference, Buffer.alloc(66, 0x41)) });
    expect(decodeError(frame(CommandId.deliver_sm, tooLong)).command_status).toBe(S.ESME_RINVPARLEN);
  });

  it('keeps an unknown TLV of any length, empty included', () => {
    const pdu = decodePdu(
      frame(
        CommandId.submit_sm,
        submitBody({
          tail: Buffer.concat([tlv(0x1500, Buffer.alloc(0)), tlv(0x0100, Buffer.alloc(300, 1))]),
        }),
      ),
    );
    expect(pdu.tlvs.map((t) => [t.tag, t.value.length])).toEqual([
      [0x1500, 0],
      [0x0100, 300],
    ]);
  });

  describe('bind', () => {
    it('decodes a bind_transceiver', () => {
      expect(
        decodePdu(frame(CommandId.bind_transceiver, bindBody({ system_type: 'HLR', address_range: '^44' }))),
      ).toEqual({
        command: 'bind_transceiver',
        command_id: CommandId.bind_transceiver,
        command_status: 0,
        sequence_number: 42,
        system_id: 'acme',
        password: 'secret',
        system_type: 'HLR',
        interface_version: 0x34,
        addr_ton: 0,
        addr_npi: 0,
        address_range: '^44',
        tlvs: [],
      });
    });

    it.each([
      ['system_id', { system_id: 's'.repeat(16) }, S.ESME_RINVSYSID],
      ['password', { password: 'p'.repeat(9) }, S.ESME_RINVPASWD],
      ['system_type', { system_type: 't'.repeat(13) }, S.ESME_RINVSYSTYP],
      ['address_range', { address_range: 'a'.repeat(41) }, S.ESME_RBINDFAIL],
    ])('answers an over-long %s with its own status', (field, fields, status) => {
      expect(decodeError(frame(CommandId.bind_transmitter, bindBody(fields)))).toMatchObject({
        command_status: status,
        field,
      });
    });

    it('accepts a password beyond 8 characters only when allowed, up to 64', () => {
      const long = frame(CommandId.bind_receiver, bindBody({ password: 'p'.repeat(20) }));
      expect(decodeError(long).command_status).toBe(S.ESME_RINVPASWD);
      expect(decodePdu(long, { allowLongPassword: true })).toMatchObject({ password: 'p'.repeat(20) });
      const longest = frame(CommandId.bind_receiver, bindBody({ password: 'p'.repeat(64) }));
      expect(decodePdu(longest, { allowLongPassword: true })).toMatchObject({ password: 'p'.repeat(64) });
      const tooLong = frame(CommandId.bind_receiver, bindBody({ password: 'p'.repeat(65) }));
      expect(decodeError(tooLong, { allowLongPassword: true }).command_status).toBe(S.ESME_RINVPASWD);
    });
  });

  it('answers an over-long message_id in query_sm and cancel_sm with ESME_RINVMSGID', () => {
    const query = Buffer.concat([cstr('m'.repeat(65)), u8(0, 0), cstr('')]);
    expect(decodeError(frame(CommandId.query_sm, query)).command_status).toBe(S.ESME_RINVMSGID);
    const cancel = Buffer.concat([cstr(''), cstr('m'.repeat(65)), u8(0, 0), cstr(''), u8(0, 0), cstr('')]);
    expect(decodeError(frame(CommandId.cancel_sm, cancel)).command_status).toBe(S.ESME_RINVMSGID);
  });

  describe('commands through the reference tables', () => {
    const referenceCases: [string, Record<string, unknown>][] = [
      [
        'replace_sm',
        {
          message_id: 'abc',
          source_addr: '4477',
          schedule_delivery_time: '250101120000000+',
          registered_delivery: 1,
          short_message: Buffer.from('new text'),
        },
      ],
      ['replace_sm_resp', {}],
      [
        'submit_multi',
        {
          source_addr: 'Acme',
          dest_address: [
            { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4477' },
            { dl_name: 'friends' },
          ],
          data_coding: 0,
          short_message: Buffer.from('hi all'),
        },
      ],
      [
        'submit_multi_resp',
        {
          message_id: 'm-1',
          unsuccess_sme: [
            { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4477', error_status_code: 0x0b },
          ],
        },
      ],
      ['outbind', { system_id: 'smsc', password: 'pw' }],
      ['alert_notification', { source_addr: '4477', esme_addr: 'acme' }],
    ];

    it.each(referenceCases)(
      'decodes a reference %s into fields and re-encodes the same bytes',
      (command, options) => {
        const bytes = new PDU(command, { sequence_number: 11, ...options }).toBuffer();
        const pdu = decodePdu(readFrame(bytes)) as OtherPdu;
        expect(pdu.command).toBe(command);
        expect(pdu.sequence_number).toBe(11);
        for (const [key, value] of Object.entries(options)) expect(pdu.fields[key]).toEqual(value);
        expect(encodePdu(pdu).equals(bytes)).toBe(true);
      },
    );

    it('keeps TLVs after reference fields', () => {
      const bytes = Buffer.concat([
        new PDU('alert_notification', { sequence_number: 1, source_addr: 'a', esme_addr: 'b' }).toBuffer(),
        tlv(Tlv.ms_availability_status, u8(1)),
      ]);
      bytes.writeUInt32BE(bytes.length, 0);
      const pdu = decodePdu(readFrame(bytes));
      expect(pdu.tlvs).toEqual([{ tag: Tlv.ms_availability_status, value: u8(1) }]);
      expect(encodePdu(pdu).equals(bytes)).toBe(true);
    });

    it('turns a truncated reference body into ESME_RINVCMDLEN, never a RangeError', () => {
      const bytes = new PDU('submit_multi', {
        sequence_number: 1,
        dest_address: [{ destination_addr: '4477' }],
        short_message: Buffer.from('x'),
      }).toBuffer();
      for (let cut = 17; cut < bytes.length; cut++) {
        const error = decodeError(frame(CommandId.submit_multi, bytes.subarray(16, cut)));
        expect([S.ESME_RINVCMDLEN, S.ESME_RINVMSGLEN]).toContain(error.command_status);
      }
    });

    it('answers a replace_sm whose sm_length runs past the end with ESME_RINVMSGLEN', () => {
      const body = Buffer.concat([
        cstr('abc'),
        u8(0, 0),
        cstr(''),
        cstr(''),
        cstr(''),
        u8(0, 0),
        u8(9),
        Buffer.from('abc'),
      ]);
      expect(decodeError(frame(CommandId.replace_sm, body)).command_status).toBe(S.ESME_RINVMSGLEN);
    });
  });
});

describe('encodePdu', () => {
  function encodeError(pdu: Pdu): PduEncodeError {
    try {
      encodePdu(pdu);
    } catch (error) {
      if (error instanceof PduEncodeError) return error;
      throw error;
    }
    throw new Error('encodePdu accepted the PDU');
  }

  it('computes command_length and writes the header big-endian', () => {
    const bytes = encodePdu(createPdu('submit_sm_resp', { sequence_number: 0x01020304, message_id: 'ab' }));
    expect(bytes.toString('hex')).toBe('00000013' + '80000004' + '00000000' + '01020304' + '616200');
  });

  it.each([
    ['source_addr', { source_addr: '1'.repeat(21) }],
    ['destination_addr', { destination_addr: '1'.repeat(21) }],
    ['service_type', { service_type: 'ABCDEF' }],
    ['schedule_delivery_time', { schedule_delivery_time: '250101120000' }],
    ['validity_period', { validity_period: '1'.repeat(17) }],
  ])('refuses a %s that breaks its size rule', (field, fields) => {
    const error = encodeError(createPdu('submit_sm', fields));
    expect(error).toBeInstanceOf(SmppError);
    expect(error.field).toBe(field);
  });

  it('refuses sm_length over 254, and short_message with message_payload', () => {
    expect(encodeError(createPdu('submit_sm', { short_message: Buffer.alloc(255) })).code).toBe(
      'SM_LENGTH_INVALID',
    );
    expect(encodePdu(createPdu('submit_sm', { short_message: Buffer.alloc(254) })).length).toBe(
      16 + 17 + 254,
    );
    const both = createPdu('deliver_sm', {
      short_message: Buffer.from('a'),
      tlvs: [createTlv(Tlv.message_payload, Buffer.from('b'))],
    });
    expect(encodeError(both).code).toBe('SHORT_MESSAGE_AND_PAYLOAD');
  });

  it('refuses text that is not Latin-1 or holds a NUL, and integers out of range', () => {
    expect(encodeError(createPdu('submit_sm', { source_addr: 'Café€' })).field).toBe('source_addr');
    expect(encodeError(createPdu('submit_sm', { destination_addr: '44\u00007' })).field).toBe(
      'destination_addr',
    );
    expect(encodeError(createPdu('submit_sm', { esm_class: 256 })).field).toBe('esm_class');
    expect(encodeError(createPdu('submit_sm', { data_coding: -1 })).field).toBe('data_coding');
    expect(encodeError(createPdu('enquire_link', { sequence_number: 2 ** 32 })).field).toBe(
      'sequence_number',
    );
    expect(encodeError(createPdu('enquire_link', { sequence_number: 1.5 })).field).toBe('sequence_number');
  });

  it('refuses a TLV that breaks its definition, and TLVs on a header-only command', () => {
    const wide = createPdu('submit_sm', { tlvs: [{ tag: Tlv.sar_total_segments, value: u8(0, 1) }] });
    expect(encodeError(wide)).toMatchObject({ code: 'TLV_LENGTH_INVALID', field: 'sar_total_segments' });
    expect(encodeError(createPdu('submit_sm', { tlvs: [{ tag: 0x10000, value: u8(1) }] })).code).toBe(
      'TLV_TAG_INVALID',
    );
    expect(
      encodeError(createPdu('submit_sm', { tlvs: [{ tag: 0x1500, value: Buffer.alloc(65536) }] })).code,
    ).toBe('TLV_LENGTH_INVALID');
    expect(encodeError(createPdu('enquire_link', { tlvs: [createTlv(Tlv.message_state, 1)] })).code).toBe(
      'TLVS_NOT_ALLOWED',
    );
  });

  it('refuses a command_id that is not the command’s', () => {
    expect(encodeError({ ...createPdu('enquire_link'), command_id: 4 }).code).toBe('COMMAND_ID_MISMATCH');
  });

  it('sends the password it is given, up to 64 characters (Infobip)', () => {
    const bind = createPdu('bind_transceiver', { system_id: 'acme', password: 'p'.repeat(64) });
    expect(decodePdu(readFrame(encodePdu(bind)), { allowLongPassword: true })).toEqual(bind);
    expect(encodeError(createPdu('bind_transceiver', { password: 'p'.repeat(65) })).field).toBe('password');
  });

  it('omits the body of an error response that carries nothing, and keeps one that does', () => {
    expect(encodePdu(createPdu('submit_sm_resp', { command_status: S.ESME_RTHROTTLED })).length).toBe(16);
    expect(encodePdu(createPdu('bind_transmitter_resp', { command_status: S.ESME_RBINDFAIL })).length).toBe(
      16,
    );
    expect(encodePdu(createPdu('submit_multi_resp', { command_status: S.ESME_RSUBMITFAIL })).length).toBe(16);
    const withTlv = createPdu('data_sm_resp', {
      command_status: S.ESME_RDELIVERYFAILURE,
      tlvs: [createTlv(Tlv.delivery_failure_reason, 1)],
    });
    expect(decodePdu(readFrame(encodePdu(withTlv)))).toEqual(withTlv);
    expect(encodePdu(createPdu('submit_sm_resp', { message_id: 'x' })).length).toBe(18);
  });
});

describe('createPdu and createResponse', () => {
  it('defaults every field and gives each PDU its own TLV list', () => {
    const a = createPdu('bind_transmitter', { system_id: 'acme', password: undefined });
    expect(a).toEqual({
      command: 'bind_transmitter',
      command_id: CommandId.bind_transmitter,
      command_status: 0,
      sequence_number: 0,
      system_id: 'acme',
      password: '',
      system_type: '',
      interface_version: 0x34,
      addr_ton: 0,
      addr_npi: 0,
      address_range: '',
      tlvs: [],
    });
    const b = createPdu('bind_transmitter');
    expect(b.tlvs).not.toBe(a.tlvs);
    expect(createPdu('replace_sm').fields).not.toBe(createPdu('replace_sm').fields);
    expect(createPdu('data_sm')).toMatchObject({ esm_class: 0, data_coding: 0, tlvs: [] });
  });

  it('ignores attempts to override the command or its id', () => {
    const pdu = createPdu('enquire_link', { command: 'unbind', command_id: 6 } as never);
    expect(pdu).toMatchObject({ command: 'enquire_link', command_id: CommandId.enquire_link });
  });

  it('answers a request with the same sequence_number and the given status', () => {
    const request = createPdu('submit_sm', { sequence_number: 99 });
    expect(createResponse(request)).toEqual(createPdu('submit_sm_resp', { sequence_number: 99 }));
    expect(createResponse(request, S.ESME_RTHROTTLED, { message_id: 'm' })).toMatchObject({
      command: 'submit_sm_resp',
      command_id: CommandId.submit_sm_resp,
      command_status: S.ESME_RTHROTTLED,
      sequence_number: 99,
      message_id: 'm',
    });
    expect(createResponse(createPdu('enquire_link', { sequence_number: 3 })).command).toBe(
      'enquire_link_resp',
    );
    expect(createResponse(createPdu('bind_receiver'), 0, { system_id: 'smsc' })).toMatchObject({
      command: 'bind_receiver_resp',
      system_id: 'smsc',
    });
  });

  it.each(['submit_sm_resp', 'outbind', 'alert_notification', 'generic_nack'] as const)(
    'refuses to answer %s',
    (command) => {
      expect(() => createResponse(createPdu(command))).toThrow(SmppError);
    },
  );

  it('builds a generic_nack', () => {
    expect(genericNack(0x0a0b0c0d, S.ESME_RINVCMDID).toString('hex')).toBe(
      '00000010' + '80000000' + '00000003' + '0a0b0c0d',
    );
    expect(() => genericNack(-1, 0)).toThrow(SmppError);
  });
});
