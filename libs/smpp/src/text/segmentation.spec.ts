import { SegmentationError } from './errors';
import { countSegments, defaultSegmentCapacity, splitText } from './segmentation';

const hex = (buffer: Buffer) => buffer.toString('hex');

describe('countSegments', () => {
  it('TV-22 counts 200 GSM characters (a long flash message) as 2 segments', () => {
    expect(countSegments('x'.repeat(200), 'gsm7')).toMatchObject({ segments: 2, units: 200 });
    expect(countSegments('x'.repeat(160), 'gsm7').segments).toBe(1);
  });

  it.each([
    ['gsm7', 'udh8', 160, 153],
    ['gsm7', 'udh16', 160, 152],
    ['gsm7', 'sar', 160, 153],
    ['ucs2', 'udh8', 70, 67],
    ['ucs2', 'udh16', 70, 66],
    ['latin1', 'udh8', 140, 134],
    ['ascii', 'udh16', 140, 133],
    ['binary', 'udh8', 140, 134],
  ] as const)('%s with %s: %i single, %i per part', (coding, method, single, multi) => {
    expect(defaultSegmentCapacity(coding, method)).toEqual({ single, multi });
    const unit = coding === 'binary' ? 'ab' : 'a';
    const count = (units: number) => countSegments(unit.repeat(units), coding, { method }).segments;
    expect(count(single)).toBe(1);
    expect(count(single + 1)).toBe(2);
    expect(count(multi * 2)).toBe(2);
    expect(count(multi * 2 + 1)).toBe(3);
  });

  it('counts an extension character as 2 septets', () => {
    expect(countSegments('€'.repeat(80), 'gsm7')).toMatchObject({ units: 160, segments: 1 });
    expect(countSegments('€'.repeat(81), 'gsm7')).toMatchObject({ units: 162, segments: 2 });
  });

  it('counts an emoji as 2 UCS-2 units', () => {
    expect(countSegments('😀'.repeat(35), 'ucs2')).toMatchObject({ units: 70, segments: 1 });
    expect(countSegments('😀'.repeat(36), 'ucs2')).toMatchObject({ units: 72, segments: 2 });
  });

  it('needs an extra part when an escape would straddle a boundary', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(152);
    expect(countSegments(text, 'gsm7')).toMatchObject({ units: 306, segments: 3 });
  });

  it('takes a capacity override (Mobile Text Alerts: 160 Latin-1 characters per segment)', () => {
    const latin1 = 'é'.repeat(160);
    expect(countSegments(latin1, 'latin1').segments).toBe(2);
    expect(countSegments(latin1, 'latin1', { capacity: { single: 160, multi: 153 } }).segments).toBe(1);
  });

  it('refuses capacities that cannot work', () => {
    expect(() => countSegments('a', 'gsm7', { capacity: { multi: 1 } })).toThrow(SegmentationError);
    expect(() => countSegments('a', 'ucs2', { capacity: { single: 128 } })).toThrow(
      /254-octet short_message/,
    );
    expect(() => countSegments('a', 'latin1', { method: 'udh8', capacity: { multi: 250 } })).toThrow(
      SegmentationError,
    );
  });
});

describe('splitText', () => {
  it('sends a short message as one part without UDH or TLVs', () => {
    const split = splitText('Hello', { coding: 'gsm7', concatenation: { method: 'udh8', reference: 7 } });
    expect(split.parts).toEqual([
      { shortMessage: Buffer.from('Hello'), esmClassFlags: 0, tlvs: [], units: 5 },
    ]);
  });

  it('prefixes each part with UDH IE 0x00 and sets UDHI', () => {
    const split = splitText('x'.repeat(200), {
      coding: 'gsm7',
      concatenation: { method: 'udh8', reference: 0xab },
    });
    expect(split.parts.map((part) => hex(part.shortMessage.subarray(0, 6)))).toEqual([
      '050003ab0201',
      '050003ab0202',
    ]);
    expect(split.parts.map((part) => part.shortMessage.length)).toEqual([6 + 153, 6 + 47]);
    expect(split.parts.every((part) => part.esmClassFlags === 0x40 && part.tlvs.length === 0)).toBe(true);
  });

  it('prefixes each part with UDH IE 0x08 for a 16-bit reference', () => {
    const split = splitText('x'.repeat(305), {
      coding: 'gsm7',
      concatenation: { method: 'udh16', reference: 0x1234 },
    });
    expect(split.parts.map((part) => hex(part.shortMessage.subarray(0, 7)))).toEqual([
      '06080412340301',
      '06080412340302',
      '06080412340303',
    ]);
    expect(split.parts.map((part) => part.units)).toEqual([152, 152, 1]);
  });

  it('puts SAR TLVs beside each part instead of a UDH', () => {
    const split = splitText('x'.repeat(200), {
      coding: 'gsm7',
      concatenation: { method: 'sar', reference: 0x0102 },
    });
    expect(split.parts[1].esmClassFlags).toBe(0);
    expect(split.parts[1].shortMessage).toEqual(Buffer.from('x'.repeat(47)));
    expect(split.parts[1].tlvs.map((tlv) => [tlv.tag, hex(tlv.value)])).toEqual([
      [0x020c, '0102'],
      [0x020e, '02'],
      [0x020f, '02'],
    ]);
  });

  it('carries a long message whole in message_payload and still reports air segments', () => {
    const split = splitText('x'.repeat(200), { coding: 'gsm7', concatenation: { method: 'payload' } });
    expect(split.segments).toBe(2);
    expect(split.parts).toEqual([
      {
        shortMessage: Buffer.alloc(0),
        esmClassFlags: 0,
        units: 200,
        tlvs: [{ tag: 0x0424, value: Buffer.from('x'.repeat(200)) }],
      },
    ]);
  });

  it('keeps an escape with its character and a surrogate pair together', () => {
    const gsm = splitText('a'.repeat(152) + '€' + 'b'.repeat(10), {
      coding: 'gsm7',
      concatenation: { method: 'udh8', reference: 1 },
    });
    expect(gsm.parts.map((part) => part.units)).toEqual([152, 12]);
    expect(hex(gsm.parts[1].shortMessage.subarray(6, 9))).toBe('1b6562');
    const ucs2 = splitText('a'.repeat(66) + '😀' + 'b'.repeat(10), {
      coding: 'ucs2',
      concatenation: { method: 'udh8', reference: 1 },
    });
    expect(ucs2.parts.map((part) => part.units)).toEqual([66, 12]);
    expect(hex(ucs2.parts[1].shortMessage.subarray(6, 12))).toBe('d83dde000062');
  });

  it('packs GSM7 with fill bits after the UDH when asked, 140 octets for a full part', () => {
    const split = splitText('x'.repeat(200), {
      coding: 'gsm7',
      concatenation: { method: 'udh8', reference: 1 },
      gsm7Packing: 'packed',
    });
    expect(split.parts[0].shortMessage).toHaveLength(140);
    // 'x' = 0x78 shifted left by the one fill bit after a 6-octet UDH.
    expect(split.parts[0].shortMessage[6]).toBe(0xf0);
    const udh16 = splitText('x'.repeat(200), {
      coding: 'gsm7',
      concatenation: { method: 'udh16', reference: 1 },
      gsm7Packing: 'packed',
    });
    expect(udh16.parts[0].shortMessage).toHaveLength(140);
  });

  it('sends an empty text as one empty part', () => {
    const split = splitText('', { coding: 'ucs2', concatenation: { method: 'udh8', reference: 1 } });
    expect(split).toMatchObject({
      units: 0,
      segments: 1,
      parts: [{ shortMessage: Buffer.alloc(0), units: 0 }],
    });
  });

  it('allows 255 parts and refuses more', () => {
    const options = { coding: 'gsm7', concatenation: { method: 'udh8', reference: 1 } } as const;
    expect(splitText('x'.repeat(153 * 255), options).parts).toHaveLength(255);
    expect(() => splitText('x'.repeat(153 * 255 + 1), options)).toThrow(SegmentationError);
    expect(() => splitText('x'.repeat(153 * 255 + 1), options)).toThrow(
      /256 parts exceed the maximum of 255/,
    );
  });

  it('refuses a reference that does not fit the method', () => {
    const split = (method: 'udh8' | 'udh16' | 'sar', reference: number) =>
      splitText('x'.repeat(200), { coding: 'gsm7', concatenation: { method, reference } });
    expect(() => split('udh8', 256)).toThrow(SegmentationError);
    expect(() => split('udh16', 65536)).toThrow(SegmentationError);
    expect(() => split('sar', -1)).toThrow(SegmentationError);
    expect(split('sar', 65535).parts).toHaveLength(2);
  });
});
