import fc from 'fast-check';
import { gsm7FillBits, unpackGsm7Septets } from './gsm7';
import { parseMessageBody } from './message-body';
import { SegmentReassembler } from './reassembly';
import { countSegments, splitText, type Concatenation, type SegmentCapacity } from './segmentation';
import { decodeCyrillic } from './single-byte';
import { gsm7Text, singleByteText, ucs2Text } from './testing/arbitraries';
import { decodeText } from './text-codec';
import type { TextCoding } from './types';

interface Case {
  coding: TextCoding;
  text: string;
  packed: boolean;
  capacity?: Partial<SegmentCapacity>;
}

const cases: fc.Arbitrary<Case> = fc.oneof(
  fc.record({ coding: fc.constant('gsm7' as const), text: gsm7Text(), packed: fc.boolean() }),
  fc.record({ coding: fc.constant('ucs2' as const), text: ucs2Text(), packed: fc.constant(false) }),
  fc.record({
    coding: fc.constant('latin1' as const),
    text: singleByteText(0xff),
    packed: fc.constant(false),
    capacity: fc.constantFrom(undefined, { single: 160, multi: 153 }),
  }),
  fc.record({
    coding: fc.constant('ascii' as const),
    text: singleByteText(0x7f),
    packed: fc.constant(false),
  }),
  fc.record({
    coding: fc.constant('cyrillic' as const),
    text: fc.uint8Array({ maxLength: 400 }).map((octets) => decodeCyrillic(Buffer.from(octets))),
    packed: fc.constant(false),
  }),
  fc.record({
    coding: fc.constant('binary' as const),
    text: fc.uint8Array({ maxLength: 400 }).map((octets) => Buffer.from(octets).toString('hex')),
    packed: fc.constant(false),
  }),
);

const concatenations: fc.Arbitrary<Concatenation> = fc.oneof(
  fc.record({ method: fc.constant('udh8' as const), reference: fc.integer({ min: 0, max: 0xff }) }),
  fc.record({
    method: fc.constantFrom('udh16' as const, 'sar' as const),
    reference: fc.integer({ min: 0, max: 0xffff }),
  }),
  fc.constant({ method: 'payload' as const }),
);

function split(testCase: Case, concatenation: Concatenation) {
  return splitText(testCase.text, {
    coding: testCase.coding,
    concatenation,
    capacity: testCase.capacity,
    gsm7Packing: testCase.packed ? 'packed' : 'unpacked',
  });
}

/** User data of each received part, unpacked to one septet per octet when the parts were packed. */
function receivedUserData(testCase: Case, concatenation: Concatenation) {
  return split(testCase, concatenation).parts.map((part) => {
    const body = parseMessageBody({
      shortMessage: part.shortMessage,
      esmClass: part.esmClassFlags,
      tlvs: part.tlvs,
    });
    const userData = testCase.packed
      ? unpackGsm7Septets(body.userData, gsm7FillBits(body.udh?.length ?? 0), part.units)
      : body.userData;
    return { ...body, userData, units: part.units };
  });
}

describe('segmentation properties', () => {
  it('counts as many segments as the splitter makes parts (message_payload: one PDU)', () => {
    fc.assert(
      fc.property(cases, concatenations, (testCase, concatenation) => {
        const result = split(testCase, concatenation);
        const count = countSegments(testCase.text, testCase.coding, {
          method: concatenation.method,
          capacity: testCase.capacity,
        });
        expect(result.segments).toBe(count.segments);
        expect(result.parts).toHaveLength(concatenation.method === 'payload' ? 1 : count.segments);
        expect(result.units).toBe(count.units);
      }),
    );
  });

  it('never puts more units in a part than its capacity, nor more than 254 octets in short_message', () => {
    fc.assert(
      fc.property(
        cases,
        concatenations.filter((c) => c.method !== 'payload'),
        (testCase, concatenation) => {
          const { parts, capacity } = split(testCase, concatenation);
          const limit = parts.length === 1 ? capacity.single : capacity.multi;
          for (const part of parts) {
            expect(part.units).toBeLessThanOrEqual(limit);
            expect(part.shortMessage.length).toBeLessThanOrEqual(254);
          }
        },
      ),
    );
  });

  it('decodes each part on its own, so no escape or surrogate pair is split, and the parts join to the text', () => {
    fc.assert(
      fc.property(
        cases.filter((c) => !c.packed),
        concatenations,
        (testCase, concatenation) => {
          const texts = receivedUserData(testCase, concatenation).map((part) => {
            if (testCase.coding === 'gsm7') expect(part.userData[part.userData.length - 1]).not.toBe(0x1b);
            return decodeText(part.userData, testCase.coding);
          });
          expect(texts.join('')).toBe(testCase.text);
        },
      ),
    );
  });

  it('reassembles to the original in any arrival order, with duplicates', () => {
    fc.assert(
      fc.property(cases, concatenations, fc.nat(), (testCase, concatenation, rotation) => {
        const received = receivedUserData(testCase, concatenation);
        if (received.length === 1 && !received[0].concat) {
          expect(decodeText(received[0].userData, testCase.coding)).toBe(testCase.text);
          return;
        }
        const reassembler = new SegmentReassembler({ ttlMs: 1_000, maxBufferedOctets: 100_000 });
        const order = received.map((_, index) => received[(index + rotation) % received.length]);
        let whole: Buffer | undefined;
        for (const part of [order[0], ...order]) {
          const concat = part.concat!;
          const outcome = reassembler.add(
            { source: '1', destination: '2', ...concat, userData: part.userData },
            0,
          );
          if (outcome.status === 'complete') whole = outcome.userData;
        }
        expect(whole && decodeText(whole, testCase.coding)).toBe(testCase.text);
        expect(reassembler.pendingMessages).toBe(0);
      }),
    );
  });

  it('puts the fill bits after the UDH in packed GSM7 parts', () => {
    fc.assert(
      fc.property(gsm7Text(), fc.constantFrom('udh8' as const, 'udh16' as const), (text, method) => {
        const { parts } = splitText(text, {
          coding: 'gsm7',
          concatenation: { method, reference: 1 },
          gsm7Packing: 'packed',
        });
        for (const part of parts) {
          const udhLength = part.esmClassFlags ? part.shortMessage[0] + 1 : 0;
          const octets = part.units === 0 ? 0 : Math.ceil((gsm7FillBits(udhLength) + part.units * 7) / 8);
          expect(part.shortMessage.length).toBe(udhLength + octets);
        }
      }),
    );
  });
});
