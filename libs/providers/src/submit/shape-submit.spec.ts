import { decodeText, Tlv, type CharacterCoding, type SubmitSm } from '@app/smpp';
import fc from 'fast-check';
import type { OutboundMessage } from '../message';
import type { ProviderId, ProviderProfile } from '../profile';
import { PROVIDER_PROFILES } from '../profiles';
import { NOW, submitted, textMessage } from '../testing/fixtures';
import { shapeSubmit } from './shape-submit';

const PROFILES = Object.values(PROVIDER_PROFILES);
const ids = ['infobip', 'gatewayapi', 'mta', 'labsmobile'] as const satisfies readonly ProviderId[];

/** A message every profile can send: numeric sender (MTA takes no alphanumeric one). */
function message(text: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return textMessage(text, { source: { type: 'number', number: '4520000000' }, ...overrides });
}

function shapedDcs(profile: ProviderProfile, msg: OutboundMessage): number | 'reroute' {
  const result = shapeSubmit(msg, profile, { now: NOW });
  if (result.kind === 'reroute') return 'reroute';
  return submitted(result).dataCoding;
}

describe('providers.md §5 DCS decision matrix', () => {
  const binary = message('', {
    body: { kind: 'binary', octets: Buffer.from([0xca, 0xfe]) },
    dataCoding: 0x04,
  });
  // [content or request, message, Infobip, GatewayAPI, MTA, LabsMobile]
  const rows: Array<[string, OutboundMessage, ...Array<number | 'reroute'>]> = [
    ['GSM7-representable text', message('Hello @ home'), 0x00, 0x00, 0x01, 0x00],
    ['GSM7 text outside ASCII', message('Prix: 5£'), 0x00, 0x00, 0x03, 0x00],
    ['ASCII (DCS 1)', message('Hello', { dataCoding: 0x01 }), 0x00, 0x00, 0x01, 0x00],
    ['Latin-1 (DCS 3)', message('Café', { dataCoding: 0x03 }), 0x03, 0x03, 0x03, 0x00],
    ['Latin-1 (DCS 3) beyond GSM7', message('Ça coûte', { dataCoding: 0x03 }), 0x03, 0x03, 0x03, 0x08],
    ['UCS-2 (DCS 8)', message('Hello', { dataCoding: 0x08 }), 0x08, 0x08, 0x08, 0x08],
    ['Cyrillic (DCS 6)', message('Привет', { dataCoding: 0x06 }), 0x08, 0x08, 0x08, 0x08],
    ['Hebrew (DCS 7)', message('שלום', { dataCoding: 0x07 }), 0x08, 0x08, 0x08, 0x08],
    ['binary (DCS 4)', binary, 'reroute', 0x04, 'reroute', 'reroute'],
    ['flash GSM7 (0x10)', message('Alert', { dataCoding: 0x10 }), 0x10, 0x00, 0x01, 0x00],
    ['flash GSM7 (0xF0)', message('Alert', { dataCoding: 0xf0 }), 0x10, 0x00, 0x01, 0x00],
    ['flash UCS-2 (0x18)', message('Тревога', { dataCoding: 0x18 }), 0x18, 0x08, 0x08, 0x08],
    ['multipart flash', message('z'.repeat(200), { dataCoding: 0x10 }), 0x00, 0x00, 0x01, 0x00],
  ];

  it.each(rows)('%s', (_label, msg, ...expected) => {
    expect(ids.map((id) => shapedDcs(PROVIDER_PROFILES[id], msg))).toEqual(expected);
  });

  it('flags flash with dest_addr_subunit only where the profile carries flash that way', () => {
    const flash = message('Alert', { flash: true });
    const subunitTlvs = ids.map((id) => {
      const shaped = submitted(shapeSubmit(flash, PROVIDER_PROFILES[id], { now: NOW }));
      return shaped.pdus[0].tlvs.filter((tlv) => tlv.tag === Tlv.dest_addr_subunit).length;
    });
    expect(subunitTlvs).toEqual([0, 1, 0, 0]);
  });

  it('takes a tenant dest_addr_subunit = 1 as a flash request and replaces the tenant TLV', () => {
    const msg = message('Alert', { tlvs: [{ tag: Tlv.dest_addr_subunit, value: Buffer.from([1]) }] });
    expect(shapedDcs(PROVIDER_PROFILES.infobip, msg)).toBe(0x10);
    const gw = submitted(shapeSubmit(msg, PROVIDER_PROFILES.gatewayapi, { now: NOW }));
    expect(gw.pdus[0].tlvs.filter((tlv) => tlv.tag === Tlv.dest_addr_subunit)).toHaveLength(1);
  });
});

/** The text a provider will read back from the PDUs, undoing UDH and message_payload. */
function readBack(pdus: SubmitSm[], profile: ProviderProfile): string {
  const codingOf = new Map(
    Object.entries(profile.coding.dataCodingOf).map(([coding, dcs]) => [dcs, coding as CharacterCoding]),
  );
  codingOf.set(0x10, 'gsm7');
  codingOf.set(0x18, 'ucs2');
  return pdus
    .map((pdu) => {
      const payload = pdu.tlvs.find((tlv) => tlv.tag === Tlv.message_payload)?.value;
      const body = payload ?? pdu.short_message;
      const userData = pdu.esm_class & 0x40 ? body.subarray(1 + body[0]) : body;
      return decodeText(userData, codingOf.get(pdu.data_coding)!);
    })
    .join('');
}

describe('shapeSubmit properties', () => {
  const gsmHeavy = fc.string({
    unit: fc.constantFrom(...'@£$¥èéùìòÇ\nØøÅå_ΔΣ !"#%&()*+,-./09:;<=>?AZaz[]{}^~|\\€ÄÖÑÜ§¿äöñüà'),
    maxLength: 400,
  });
  const anyText = fc.oneof(gsmHeavy, fc.string({ unit: 'grapheme', maxLength: 200 }));

  it.each(PROFILES.map((profile) => [profile.id, profile] as const))(
    '%s: every part fits SMPP and the parts read back as the text',
    (_id, profile) => {
      fc.assert(
        fc.property(anyText, (text) => {
          const result = shapeSubmit(message(text), profile, { now: NOW });
          if (result.kind === 'reroute') return; // more parts than the provider takes
          const shaped = submitted(result);
          expect(readBack(shaped.pdus, profile)).toBe(text);
          expect(profile.coding.acceptedDataCodings).toContain(shaped.dataCoding);
          for (const pdu of shaped.pdus) expect(pdu.short_message.length).toBeLessThanOrEqual(254);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('gives a message the same concatenation reference on every attempt, unless told otherwise', () => {
    const long = message('w'.repeat(300));
    const udhRef = (pdus: SubmitSm[]) => pdus[0].short_message[3];
    const first = submitted(shapeSubmit(long, PROVIDER_PROFILES.infobip, { now: NOW }));
    const again = submitted(shapeSubmit(long, PROVIDER_PROFILES.infobip, { now: NOW }));
    expect(udhRef(first.pdus)).toBe(udhRef(again.pdus));
    const chosen = submitted(
      shapeSubmit(long, PROVIDER_PROFILES.infobip, { now: NOW, concatReference: 0x1a7 }),
    );
    expect(udhRef(chosen.pdus)).toBe(0xa7);
    expect(chosen.pdus.map((pdu) => pdu.short_message.subarray(0, 6).toString('hex'))).toEqual([
      '050003a70201',
      '050003a70202',
    ]);
  });
});

describe('shapeSubmit fields and TLVs', () => {
  const infobip = PROVIDER_PROFILES.infobip;

  it('asks for the final receipt upstream unless told not to', () => {
    expect(submitted(shapeSubmit(message('Hi'), infobip, { now: NOW })).pdus[0].registered_delivery).toBe(1);
    const quiet = submitted(shapeSubmit(message('Hi'), infobip, { now: NOW, requestDeliveryReceipt: false }));
    expect(quiet.pdus[0].registered_delivery).toBe(0);
  });

  it('writes an alphanumeric sender as TON 5 / NPI 0 and a short code as given', () => {
    const alpha = submitted(shapeSubmit(textMessage('Hi'), infobip, { now: NOW }));
    expect(alpha.pdus[0]).toMatchObject({ source_addr: 'ACME', source_addr_ton: 5, source_addr_npi: 0 });
    const shortCode = submitted(
      shapeSubmit(message('Hi', { source: { type: 'number', number: '1234', ton: 3, npi: 0 } }), infobip, {
        now: NOW,
      }),
    );
    expect(shortCode.pdus[0]).toMatchObject({ source_addr: '1234', source_addr_ton: 3, source_addr_npi: 0 });
  });

  it('reroutes a message without sender where the account has no default one', () => {
    expect(
      shapeSubmit(message('Hi', { source: { type: 'account-default' } }), infobip, { now: NOW }).kind,
    ).toBe('reroute');
  });

  it('forwards the tenant TLVs the provider takes, drops the rest, and owns concatenation TLVs', () => {
    const tlvs = [
      { tag: 0x1494, value: Buffer.from('1\0') },
      { tag: Tlv.user_message_reference, value: Buffer.from([0, 7]) },
      { tag: Tlv.sar_msg_ref_num, value: Buffer.from([0, 1]) },
    ];
    const shaped = submitted(shapeSubmit(message('Hi', { tlvs }), infobip, { now: NOW }));
    expect(shaped.pdus[0].tlvs).toEqual([tlvs[0]]);
    expect(shaped.droppedTlvTags).toEqual([Tlv.user_message_reference]);
  });

  it('lets the profile hook win over a tenant TLV with the same tag', () => {
    const tenant = { tag: 0x1494, value: Buffer.from('0\0') };
    const shaped = submitted(
      shapeSubmit(message('Hi', { tlvs: [tenant] }), infobip, { now: NOW, urlShortening: {} }),
    );
    expect(shaped.pdus[0].tlvs).toEqual([{ tag: 0x1494, value: Buffer.from('true\0') }]);
  });

  it('sends an immediate message when its schedule has passed, and expires one past its validity', () => {
    const past = new Date(NOW.getTime() - 1_000);
    const now = submitted(shapeSubmit(message('Hi', { scheduleAt: past }), infobip, { now: NOW }));
    expect(now.pdus[0].schedule_delivery_time).toBe('');
    expect(shapeSubmit(message('Hi', { validUntil: past }), infobip, { now: NOW })).toMatchObject({
      kind: 'expired',
    });
  });

  it('sends a binary body that carries its own UDH as one part with UDHI', () => {
    const octets = Buffer.from('0605040b8423f0aabbcc', 'hex');
    const shaped = submitted(
      shapeSubmit(
        message('', { body: { kind: 'binary', octets, udhi: true } }),
        PROVIDER_PROFILES.gatewayapi,
        {
          now: NOW,
        },
      ),
    );
    expect(shaped.pdus).toHaveLength(1);
    expect(shaped.pdus[0]).toMatchObject({ esm_class: 0x40, short_message: octets, data_coding: 0x04 });
  });
});

describe('shapeSubmit refuses malformed messages with a typed error', () => {
  const infobip = PROVIDER_PROFILES.infobip;
  const cases: Array<[string, OutboundMessage, string]> = [
    ['no id', message('Hi', { id: '' }), 'invalid-message'],
    ['no source', message('Hi', { source: undefined as never }), 'invalid-source'],
    [
      'a long alphanumeric sender',
      message('Hi', { source: { type: 'alphanumeric', value: 'ABCDEFGHIJKL' } }),
      'invalid-source',
    ],
    [
      'letters in the destination',
      message('Hi', { destination: { number: '45ABC' } }),
      'invalid-destination',
    ],
    ['a leading zero', message('Hi', { destination: { number: '0045123456' } }), 'invalid-destination'],
    ['16 digits', message('Hi', { destination: { number: '4512345678901234' } }), 'invalid-destination'],
    [
      'an abbreviated destination',
      message('Hi', { destination: { number: '112', ton: 6 } }),
      'invalid-destination',
    ],
    ['a data_coding above 255', message('Hi', { dataCoding: 256 }), 'invalid-message'],
    ['no body', message('Hi', { body: undefined as never }), 'invalid-body'],
    [
      'a string as binary body',
      message('', { body: { kind: 'binary', octets: 'cafe' as never } }),
      'invalid-body',
    ],
    ['an invalid date', message('Hi', { scheduleAt: new Date(Number.NaN) }), 'invalid-time'],
    [
      'a schedule 120 years ahead',
      message('Hi', { scheduleAt: new Date('2145-01-01T00:00:00Z') }),
      'invalid-time',
    ],
    ['a TLV without a Buffer', message('Hi', { tlvs: [{ tag: 5, value: 1 as never }] }), 'invalid-message'],
    ['a lone surrogate', message('a\ud800b'), 'invalid-body'],
  ];

  it.each(cases)('%s', (_label, msg, code) => {
    expect(() => shapeSubmit(msg, infobip, { now: NOW })).toThrow(
      expect.objectContaining({ name: 'ProviderInputError', code }),
    );
  });
});
