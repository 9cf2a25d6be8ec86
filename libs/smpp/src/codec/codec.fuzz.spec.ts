/**
 * Seeded fuzz: random and mutated byte streams through FrameDecoder + decodePdu. Only FramingError
 * (returned) and PduDecodeError (thrown) may come out, held memory stays within one maximum PDU,
 * and whatever decodes without error re-encodes to the very same bytes.
 */
import { PDU } from 'smpp/lib/pdu';
import { FramingError, PduDecodeError } from '../errors';
import { DEFAULT_MAX_COMMAND_LENGTH, FrameDecoder } from '../framing/frame-decoder';
import type { Frame } from '../pdu/types';
import { isResponseId } from '../tables/command-id';
import { Tlv, createTlv } from '../tables/tlv';
import { createPdu } from './create';
import { decodePdu } from './decode';
import { encodePdu } from './encode';

const INPUTS = 100_000;
const SEED = 0x0c0dec;

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const text = Buffer.from('Your verification code is 482913', 'latin1');
const corpus: Buffer[] = [
  encodePdu(
    createPdu('submit_sm', {
      sequence_number: 1,
      source_addr: 'AcmeBank',
      destination_addr: '447700900123',
      registered_delivery: 1,
      short_message: text,
      tlvs: [
        createTlv(Tlv.sar_msg_ref_num, 7),
        createTlv(Tlv.sar_total_segments, 2),
        createTlv(Tlv.sar_segment_seqnum, 1),
      ],
    }),
  ),
  encodePdu(
    createPdu('deliver_sm', {
      sequence_number: 2,
      esm_class: 4,
      validity_period: '000001000000000R',
      short_message: Buffer.from(
        'id:abc sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000',
      ),
      tlvs: [
        createTlv(Tlv.receipted_message_id, 'abc'),
        createTlv(Tlv.message_state, 2),
        createTlv(Tlv.network_error_code, Buffer.from([3, 0, 1])),
      ],
    }),
  ),
  encodePdu(
    createPdu('data_sm', {
      sequence_number: 3,
      destination_addr: '4477',
      tlvs: [createTlv(Tlv.message_payload, text), { tag: 0x1500, value: Buffer.from('vendor') }],
    }),
  ),
  encodePdu(createPdu('submit_sm_resp', { sequence_number: 1, message_id: '5f2c8e1a' })),
  encodePdu(
    createPdu('data_sm_resp', {
      sequence_number: 3,
      command_status: 0xfe,
      tlvs: [createTlv(Tlv.delivery_failure_reason, 1)],
    }),
  ),
  encodePdu(
    createPdu('bind_transceiver', {
      sequence_number: 4,
      system_id: 'acme',
      password: 'secret',
      system_type: 'HLR',
    }),
  ),
  encodePdu(
    createPdu('bind_transceiver_resp', {
      sequence_number: 4,
      system_id: 'smsc',
      tlvs: [createTlv(Tlv.sc_interface_version, 0x34)],
    }),
  ),
  encodePdu(createPdu('query_sm', { sequence_number: 5, message_id: 'abc', source_addr: '4477' })),
  encodePdu(
    createPdu('query_sm_resp', {
      sequence_number: 5,
      message_id: 'abc',
      final_date: '250101120000000+',
      message_state: 2,
    }),
  ),
  encodePdu(createPdu('cancel_sm', { sequence_number: 6, message_id: 'abc', destination_addr: '4477' })),
  encodePdu(createPdu('enquire_link', { sequence_number: 7 })),
  encodePdu(createPdu('generic_nack', { sequence_number: 8, command_status: 3 })),
  new PDU('replace_sm', {
    sequence_number: 9,
    message_id: 'abc',
    short_message: Buffer.from('new'),
  }).toBuffer(),
  new PDU('submit_multi', {
    sequence_number: 10,
    dest_address: [{ destination_addr: '4477' }, { dl_name: 'list' }],
    short_message: Buffer.from('x'),
  }).toBuffer(),
  new PDU('submit_multi_resp', {
    sequence_number: 10,
    message_id: 'm',
    unsuccess_sme: [{ destination_addr: '4477', error_status_code: 11 }],
  }).toBuffer(),
  Buffer.from('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n', 'latin1'),
  Buffer.from('16030100a5010000a10303' + '00'.repeat(32), 'hex'),
];

describe('codec fuzz', () => {
  it(`survives ${INPUTS} random and mutated inputs with typed errors only`, () => {
    const random = prng(SEED);
    const int = (below: number): number => Math.floor(random() * below);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)];

    function mutate(original: Buffer): Buffer {
      const bytes = Buffer.from(original);
      switch (int(6)) {
        case 0: // bit flips
          for (let n = 1 + int(4); n > 0 && bytes.length > 0; n--) bytes[int(bytes.length)] ^= 1 << int(8);
          return bytes;
        case 1: // truncation
          return bytes.subarray(0, int(bytes.length + 1));
        case 2: // command_length rewrite
          if (bytes.length >= 4) {
            bytes.writeUInt32BE(
              pick([
                0,
                2,
                15,
                16,
                17,
                bytes.length - 1,
                bytes.length + 1,
                DEFAULT_MAX_COMMAND_LENGTH + 1,
                0x7fffffff,
                0xffffffff,
                int(400),
              ]) >>> 0,
              0,
            );
          }
          return bytes;
        case 3: // an inner length (sm_length, TLV length) rewritten
          if (bytes.length > 17) {
            const at = 16 + int(bytes.length - 17);
            if (random() < 0.5) bytes[at] = int(256);
            else bytes.writeUInt16BE(int(0x10000), at);
          }
          return bytes;
        case 4: {
          // splice two PDUs
          const other = pick(corpus);
          return Buffer.concat([
            bytes.subarray(0, int(bytes.length + 1)),
            other.subarray(int(other.length + 1)),
          ]);
        }
        default: {
          // random octets, sometimes behind a plausible header
          const noise = Buffer.alloc(int(120));
          for (let i = 0; i < noise.length; i++) noise[i] = int(256);
          if (noise.length >= 16 && random() < 0.5) noise.writeUInt32BE(noise.length, 0);
          return noise;
        }
      }
    }

    /** Plain checks: expect() in a loop of 100,000 would dominate the run time. */
    function check(condition: boolean, failure: string): void {
      if (!condition) throw new Error(failure);
    }

    const seen = { frames: 0, decoded: 0, decodeErrors: 0, framingErrors: 0 };
    const statuses = new Set<number>();

    function onFrame(frame: Frame): void {
      seen.frames++;
      let pdu;
      try {
        pdu = decodePdu(frame);
      } catch (error) {
        if (!(error instanceof PduDecodeError)) throw error;
        check(error.command_status > 0, 'a PduDecodeError without a command_status');
        check(
          error.sequence_number === frame.sequence_number,
          'a PduDecodeError with the wrong sequence_number',
        );
        seen.decodeErrors++;
        statuses.add(error.command_status);
        return;
      }
      seen.decoded++;
      // Lossless: what decodes re-encodes to the same octets, except where the body is optional
      // (empty or error responses) or the fields went through the reference tables.
      const bodyOptional =
        isResponseId(frame.command_id) && (frame.body.length === 0 || frame.command_status !== 0);
      const reencoded = encodePdu(pdu);
      if (!bodyOptional && !('fields' in pdu)) {
        check(reencoded.subarray(16).equals(frame.body), `${pdu.command} did not re-encode to its own bytes`);
      }
    }

    for (let input = 0; input < INPUTS; input++) {
      const parts: Buffer[] = [];
      for (let n = 1 + int(3); n > 0; n--) parts.push(random() < 0.25 ? pick(corpus) : mutate(pick(corpus)));
      const stream = Buffer.concat(parts);
      const decoder = new FrameDecoder();
      let offset = 0;
      while (offset < stream.length) {
        const size = random() < 0.5 ? stream.length - offset : 1 + int(stream.length - offset);
        const error = decoder.push(stream.subarray(offset, offset + size), onFrame);
        offset += size;
        check(decoder.bufferedBytes < DEFAULT_MAX_COMMAND_LENGTH, 'more than one maximum PDU held');
        check(decoder.bufferedBytes <= stream.length, 'more octets held than received');
        if (error !== undefined) {
          check(error instanceof FramingError, 'push returned something other than a FramingError');
          seen.framingErrors++;
          break;
        }
      }
    }

    // The fuzz must have reached every outcome, or it proves little.
    expect(seen.decoded).toBeGreaterThan(10_000);
    expect(seen.decodeErrors).toBeGreaterThan(10_000);
    expect(seen.framingErrors).toBeGreaterThan(10_000);
    expect(statuses.size).toBeGreaterThanOrEqual(8);
  });
});
