import { buildDataCoding, interpretDataCoding, type Alphabet } from './data-coding';
import { DataCodingError } from './errors';

describe('interpretDataCoding', () => {
  it.each<[number, Alphabet]>([
    [0x00, 'gsm7'],
    [0x01, 'ascii'],
    [0x02, 'binary'],
    [0x03, 'latin1'],
    [0x04, 'binary'],
    [0x05, 'jis'],
    [0x06, 'cyrillic'],
    [0x07, 'hebrew'],
    [0x08, 'ucs2'],
    [0x09, 'pictogram'],
    [0x0a, 'iso2022jp'],
    [0x0d, 'kanji'],
    [0x0e, 'ksc5601'],
  ])('reads SMPP 3.4 data_coding %i as %s, no class, supported', (dcs, alphabet) => {
    expect(interpretDataCoding(dcs)).toEqual({
      dcs,
      alphabet,
      group: 'smpp',
      flash: false,
      supported: true,
      smscDefault: dcs === 0,
    });
  });

  it('does not take 0x09 or 0x0A for UCS-2 (no bit-mask shortcut)', () => {
    expect(interpretDataCoding(0x09).alphabet).toBe('pictogram');
    expect(interpretDataCoding(0x0a).alphabet).toBe('iso2022jp');
  });

  it('TV-07 reads 0xF0 (240) as GSM7 class 0 flash and 0x18 (24) as UCS-2 flash', () => {
    expect(interpretDataCoding(0xf0)).toMatchObject({
      alphabet: 'gsm7',
      messageClass: 0,
      flash: true,
      supported: true,
    });
    expect(interpretDataCoding(0x18)).toMatchObject({
      alphabet: 'ucs2',
      messageClass: 0,
      flash: true,
      supported: true,
    });
  });

  it.each<[number, Alphabet, number]>([
    [0x10, 'gsm7', 0],
    [0x11, 'gsm7', 1],
    [0x14, 'binary', 0],
    [0x19, 'ucs2', 1],
    [0xf1, 'gsm7', 1],
    [0xf2, 'gsm7', 2],
    [0xf4, 'binary', 0],
    [0xf5, 'binary', 1],
    [0xf6, 'binary', 2],
    [0xf7, 'binary', 3],
  ])('reads data_coding %i as %s class %i (smpp34.md §9.2)', (dcs, alphabet, messageClass) => {
    const info = interpretDataCoding(dcs);
    expect(info).toMatchObject({ alphabet, messageClass, flash: messageClass === 0, supported: true });
  });

  it('flags reserved, compressed and message-waiting values unsupported', () => {
    for (const dcs of [0x0b, 0x0c, 0x0f, 0x40, 0xbf, 0xf8, 0xff]) {
      expect(interpretDataCoding(dcs)).toMatchObject({
        alphabet: 'reserved',
        group: 'reserved',
        supported: false,
      });
    }
    for (const dcs of [0x1c, 0x1f]) {
      expect(interpretDataCoding(dcs)).toMatchObject({
        alphabet: 'reserved',
        group: 'general',
        supported: false,
      });
    }
    expect(interpretDataCoding(0x20)).toMatchObject({
      group: 'compressed',
      alphabet: 'gsm7',
      supported: false,
    });
    expect(interpretDataCoding(0x38)).toMatchObject({
      group: 'compressed',
      alphabet: 'ucs2',
      messageClass: 0,
    });
    expect(interpretDataCoding(0xc0)).toMatchObject({
      group: 'message-waiting',
      alphabet: 'gsm7',
      supported: false,
    });
    expect(interpretDataCoding(0xe8)).toMatchObject({
      group: 'message-waiting',
      alphabet: 'ucs2',
      supported: false,
    });
  });

  it('answers every octet and refuses anything else', () => {
    for (let dcs = 0; dcs <= 0xff; dcs++) expect(interpretDataCoding(dcs).dcs).toBe(dcs);
    for (const dcs of [-1, 256, 1.5, Number.NaN])
      expect(() => interpretDataCoding(dcs)).toThrow(DataCodingError);
  });
});

describe('buildDataCoding', () => {
  it('gives the SMPP 3.4 value without a class', () => {
    expect(buildDataCoding('gsm7')).toBe(0x00);
    expect(buildDataCoding('ascii')).toBe(0x01);
    expect(buildDataCoding('latin1')).toBe(0x03);
    expect(buildDataCoding('binary')).toBe(0x04);
    expect(buildDataCoding('cyrillic')).toBe(0x06);
    expect(buildDataCoding('ucs2')).toBe(0x08);
  });

  it('gives the general-group form (Infobip flash 16/24) or the 0xF0 form (GatewayAPI flash 240)', () => {
    expect(buildDataCoding('gsm7', { messageClass: 0 })).toBe(0x10);
    expect(buildDataCoding('ucs2', { messageClass: 0 })).toBe(0x18);
    expect(buildDataCoding('binary', { messageClass: 1 })).toBe(0x15);
    expect(buildDataCoding('gsm7', { messageClass: 0, form: 'message-class' })).toBe(0xf0);
    expect(buildDataCoding('binary', { messageClass: 1, form: 'message-class' })).toBe(0xf5);
  });

  it('refuses combinations no data_coding value expresses', () => {
    expect(() => buildDataCoding('ucs2', { messageClass: 0, form: 'message-class' })).toThrow(
      DataCodingError,
    );
    expect(() => buildDataCoding('latin1', { messageClass: 0 })).toThrow(DataCodingError);
    expect(() => buildDataCoding('reserved')).toThrow(DataCodingError);
  });

  it('is read back as what was asked', () => {
    for (const alphabet of ['gsm7', 'binary', 'ucs2'] as const) {
      for (const messageClass of [0, 1, 2, 3] as const) {
        const info = interpretDataCoding(buildDataCoding(alphabet, { messageClass }));
        expect(info).toMatchObject({ alphabet, messageClass, supported: true });
      }
    }
  });
});
