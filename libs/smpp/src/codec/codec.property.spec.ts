/**
 * Property tests: our encoder against the reference `smpp` package (node-smpp 0.5.1), and our
 * decoder against our encoder.
 *
 * Reference quirks steered around here (and nowhere else needed):
 * - A PDU with a non-zero command_status is encoded as the bare header, request or response. We do
 *   that only for error responses with nothing in their body, so generated requests carry status 0
 *   and generated error responses carry default fields and no TLVs.
 * - Time fields of 12 characters or fewer are rewritten into relative times ('…000R') on encode;
 *   SMPP 3.4 allows only '' or 16 characters, which both encoders leave alone.
 * - data_coding defaults to null and triggers text-encoding detection for string messages; we always
 *   pass a number and a Buffer.
 * - bind interface_version defaults to 0x50 (SMPP 5.0) there and 0x34 here; always given explicitly.
 * - TLVs are named options, so each tag appears at most once (except its `multiple` TLVs, passed as
 *   arrays) and a TLV named like a mandatory field (message_state in query_sm_resp) would collide
 *   with it; TLVs are generated with unique tags and none for query_sm_resp. Unknown (vendor) tags
 *   cannot be encoded by the reference at all; the example tests cover them.
 * - C-strings are read as 'ascii' (the high bit dropped), so generated text is 7-bit.
 */
import fc from 'fast-check';
import { tlvsById, types as referenceTypes } from 'smpp/lib/defs';
import { PDU } from 'smpp/lib/pdu';
import { FrameDecoder, readFrame } from '../framing/frame-decoder';
import type { CommandName, Pdu, Tlv as TlvParameter } from '../pdu/types';
import { Tlv, tlvDefinition, type TlvName } from '../tables/tlv';
import { createPdu } from './create';
import { decodePdu } from './decode';
import { encodePdu } from './encode';

const SEED = 0x5eed_0034;
const RUNS = 200;

const asciiChar = fc.integer({ min: 1, max: 0x7f }).map((code) => String.fromCharCode(code));
/** A C-string of at most `maxSize` octets with its NUL. */
const cstring = (maxSize: number): fc.Arbitrary<string> =>
  fc.string({ unit: asciiChar, maxLength: maxSize - 1 });
const time = fc.oneof(fc.constant(''), fc.string({ unit: asciiChar, minLength: 16, maxLength: 16 }));
const u8 = fc.integer({ min: 0, max: 0xff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

interface GeneratedTlv {
  tag: number;
  referenceName: string;
  ours: Buffer;
  reference: unknown;
}

function tlvArbitrary(name: TlvName): fc.Arbitrary<GeneratedTlv> {
  const tag = Tlv[name];
  const reference = tlvsById[tag];
  const definition = tlvDefinition(tag)!;
  const integer = (size: number) =>
    fc.integer({ min: 0, max: 2 ** (8 * size) - 1 }).map((value) => {
      const bytes = Buffer.alloc(size);
      bytes.writeUIntBE(value, 0, size);
      return { ours: bytes, reference: value };
    });
  let value: fc.Arbitrary<{ ours: Buffer; reference: unknown }>;
  if (reference.type === referenceTypes.tlv.int8) value = integer(1);
  else if (reference.type === referenceTypes.tlv.int16) value = integer(2);
  else if (reference.type === referenceTypes.tlv.int32) value = integer(4);
  else if (reference.type === referenceTypes.tlv.cstring) {
    value = cstring(definition.maxLength).map((text) => ({
      ours: Buffer.from(`${text}\0`, 'latin1'),
      reference: text,
    }));
  } else {
    value = fc
      .uint8Array({ minLength: definition.minLength, maxLength: Math.min(definition.maxLength, 300) })
      .map((bytes) => ({ ours: Buffer.from(bytes), reference: Buffer.from(bytes) }));
  }
  return value.map(({ ours, reference: referenceValue }) => ({
    tag,
    referenceName: reference.tag,
    ours,
    reference: reference.multiple ? [referenceValue] : referenceValue,
  }));
}

const standardTlvs = (Object.keys(Tlv) as TlvName[]).filter((name) => tlvsById[Tlv[name]] !== undefined);
const tlvList = fc.uniqueArray(fc.oneof(...standardTlvs.map(tlvArbitrary)), {
  selector: (t) => t.tag,
  maxLength: 4,
});

interface Case {
  command: CommandName;
  sequence_number: number;
  command_status: number;
  fields: Record<string, unknown>;
  tlvs: GeneratedTlv[];
}

const header = { sequence_number: u32, command_status: fc.constant(0) };

const source = { source_addr_ton: u8, source_addr_npi: u8, source_addr: cstring(21) };
const destination = { dest_addr_ton: u8, dest_addr_npi: u8, destination_addr: cstring(21) };
const addressing = { service_type: cstring(6), ...source, ...destination };

const shortMessageCase = (command: 'submit_sm' | 'deliver_sm'): fc.Arbitrary<Case> =>
  fc
    .record({
      ...header,
      fields: fc.record({
        ...addressing,
        esm_class: u8,
        protocol_id: u8,
        priority_flag: u8,
        schedule_delivery_time: time,
        validity_period: time,
        registered_delivery: u8,
        replace_if_present_flag: u8,
        data_coding: u8,
        sm_default_msg_id: u8,
        short_message: fc.uint8Array({ maxLength: 254 }).map((bytes) => Buffer.from(bytes)),
      }),
      tlvs: tlvList,
    })
    .map((c) => {
      // SPEC §5.3.2.32: sm_length 0 when message_payload is present.
      const payload = c.tlvs.some((t) => t.tag === Tlv.message_payload);
      return { ...c, command, fields: payload ? { ...c.fields, short_message: Buffer.alloc(0) } : c.fields };
    });

const dataSmCase: fc.Arbitrary<Case> = fc
  .record({
    ...header,
    fields: fc.record({
      ...addressing,
      esm_class: u8,
      registered_delivery: u8,
      data_coding: u8,
    }),
    tlvs: tlvList,
  })
  .map((c) => ({ ...c, command: 'data_sm' as const }));

/** A response: status 0 with any body, or an error status with an empty body (see the quirks above). */
function responseCase(
  command: CommandName,
  fields: fc.Arbitrary<Record<string, unknown>>,
  defaults: Record<string, unknown>,
  withTlvs: boolean,
): fc.Arbitrary<Case> {
  const tlvs = withTlvs ? tlvList : fc.constant<GeneratedTlv[]>([]);
  return fc.oneof(
    fc.record({ ...header, fields, tlvs }).map((c): Case => ({ ...c, command })),
    fc
      .record({ sequence_number: u32, command_status: fc.integer({ min: 1, max: 0xffffffff }) })
      .map((c): Case => ({ ...c, command, fields: defaults, tlvs: [] })),
  );
}

function headerOnlyCase(command: CommandName): fc.Arbitrary<Case> {
  return fc
    .record({ sequence_number: u32, command_status: u32 })
    .map((c) => ({ ...c, command, fields: {}, tlvs: [] }));
}

const bindCase = (command: 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver'): fc.Arbitrary<Case> =>
  fc
    .record({
      ...header,
      fields: fc.record({
        system_id: cstring(16),
        password: cstring(9),
        system_type: cstring(13),
        interface_version: u8,
        addr_ton: u8,
        addr_npi: u8,
        address_range: cstring(41),
      }),
      tlvs: fc.constant<GeneratedTlv[]>([]),
    })
    .map((c) => ({ ...c, command }));

const cases: Record<string, fc.Arbitrary<Case>> = {
  submit_sm: shortMessageCase('submit_sm'),
  deliver_sm: shortMessageCase('deliver_sm'),
  data_sm: dataSmCase,
  submit_sm_resp: responseCase(
    'submit_sm_resp',
    fc.record({ message_id: cstring(65) }),
    { message_id: '' },
    false,
  ),
  deliver_sm_resp: responseCase(
    'deliver_sm_resp',
    fc.record({ message_id: cstring(65) }),
    { message_id: '' },
    false,
  ),
  data_sm_resp: responseCase(
    'data_sm_resp',
    fc.record({ message_id: cstring(65) }),
    { message_id: '' },
    true,
  ),
  generic_nack: headerOnlyCase('generic_nack'),
  enquire_link: headerOnlyCase('enquire_link'),
  enquire_link_resp: headerOnlyCase('enquire_link_resp'),
  unbind: headerOnlyCase('unbind'),
  unbind_resp: headerOnlyCase('unbind_resp'),
  cancel_sm_resp: headerOnlyCase('cancel_sm_resp'),
  bind_transmitter: bindCase('bind_transmitter'),
  bind_receiver: bindCase('bind_receiver'),
  bind_transceiver: bindCase('bind_transceiver'),
  bind_transceiver_resp: responseCase(
    'bind_transceiver_resp',
    fc.record({ system_id: cstring(16) }),
    { system_id: '' },
    true,
  ),
  bind_receiver_resp: responseCase(
    'bind_receiver_resp',
    fc.record({ system_id: cstring(16) }),
    { system_id: '' },
    true,
  ),
  query_sm: fc
    .record({
      ...header,
      fields: fc.record({
        message_id: cstring(65),
        ...source,
      }),
      tlvs: fc.constant<GeneratedTlv[]>([]),
    })
    .map((c) => ({ ...c, command: 'query_sm' as const })),
  query_sm_resp: responseCase(
    'query_sm_resp',
    fc.record({ message_id: cstring(65), final_date: time, message_state: u8, error_code: u8 }),
    { message_id: '', final_date: '', message_state: 0, error_code: 0 },
    false,
  ),
  cancel_sm: fc
    .record({
      ...header,
      fields: fc.record({
        service_type: cstring(6),
        message_id: cstring(65),
        ...source,
        ...destination,
      }),
      tlvs: fc.constant<GeneratedTlv[]>([]),
    })
    .map((c) => ({ ...c, command: 'cancel_sm' as const })),
};

function ours(c: Case): Pdu {
  const tlvs: TlvParameter[] = c.tlvs.map((t) => ({ tag: t.tag, value: t.ours }));
  return createPdu(c.command, {
    ...c.fields,
    sequence_number: c.sequence_number,
    command_status: c.command_status,
    tlvs,
  });
}

function reference(c: Case): Buffer {
  const options: Record<string, unknown> = {
    ...c.fields,
    sequence_number: c.sequence_number,
    command_status: c.command_status,
  };
  for (const t of c.tlvs) options[t.referenceName] = t.reference;
  return new PDU(c.command, options).toBuffer();
}

describe.each(Object.entries(cases))('%s', (_command, arbitrary) => {
  it('encodes byte for byte as the reference smpp package does', () => {
    fc.assert(
      fc.property(arbitrary, (c) => {
        const mine = encodePdu(ours(c));
        const theirs = reference(c);
        expect(mine.toString('hex')).toBe(theirs.toString('hex'));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('decodes what it encodes: decode(encode(x)) equals x', () => {
    fc.assert(
      fc.property(arbitrary, (c) => {
        const pdu = ours(c);
        expect(decodePdu(readFrame(encodePdu(pdu)))).toEqual(pdu);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

it('cuts and decodes any stream of PDUs, however it is chunked', () => {
  const anyCase = fc.oneof(...Object.values(cases));
  fc.assert(
    fc.property(
      fc.array(anyCase, { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (generated, cuts) => {
        const pdus = generated.map(ours);
        const stream = Buffer.concat(pdus.map((pdu) => encodePdu(pdu)));
        const offsets = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const decoder = new FrameDecoder();
        const decoded: Pdu[] = [];
        let start = 0;
        for (const end of [...offsets, stream.length]) {
          expect(
            decoder.push(stream.subarray(start, end), (frame) => decoded.push(decodePdu(frame))),
          ).toBeUndefined();
          start = end;
        }
        expect(decoded).toEqual(pdus);
        expect(decoder.bufferedBytes).toBe(0);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});
