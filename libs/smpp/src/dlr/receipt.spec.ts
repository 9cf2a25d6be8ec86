import fc from 'fast-check';
import { DlrMessageState } from './message-state';
import { DeliveryReceiptError, formatDeliveryReceipt, parseDeliveryReceipt, receiptTextOf } from './receipt';

describe('parseDeliveryReceipt', () => {
  it('TV-02 reads a GatewayAPI UNDELIV receipt', () => {
    const receipt = parseDeliveryReceipt(
      'id:1390125333 sub:001 dlvrd:000 submit date:2011181145 done date:2011181145 stat:UNDELIV err:019 text:user_message_reference',
    );
    expect(receipt).toMatchObject({
      id: '1390125333',
      sub: 1,
      dlvrd: 0,
      submitDate: new Date('2020-11-18T11:45:00Z'),
      doneDate: new Date('2020-11-18T11:45:00Z'),
      stat: 'UNDELIV',
      messageState: DlrMessageState.UNDELIVERABLE,
      err: 19,
      text: 'user_message_reference',
      problems: [],
    });
    expect(receipt.raw['err']).toBe('019');
    // GatewayAPI: SMS error = 0x1000 + err (providers.md §2.6); 19 is 0x1013, HLR absent subscriber.
    expect(0x1000 + receipt.err!).toBe(0x1013);
  });

  it('TV-03 reads DELIVRD as delivered although dlvrd is 000', () => {
    const receipt = parseDeliveryReceipt(
      'id:1390125333 sub:001 dlvrd:000 submit date:2011181054 done date:2011181054 stat:DELIVRD err:000 text:user_message_reference',
    );
    expect(receipt).toMatchObject({ messageState: DlrMessageState.DELIVERED, dlvrd: 0, err: 0 });
  });

  it('TV-11 accepts a 4-digit err', () => {
    const receipt = parseDeliveryReceipt(
      'id:1390125333 sub:001 dlvrd:000 submit date:2011181145 done date:2011181145 stat:UNDELIV err:2306 text:x',
    );
    expect(receipt.err).toBe(2306);
    expect(0x1000 + receipt.err!).toBe(0x1902);
  });

  it('TV-12 reads an Infobip receipt without a text field', () => {
    const receipt = parseDeliveryReceipt(
      'id:40072910491427628 sub:001 dlvrd:001 submit date:1007291049 done date:1007291049 stat:DELIVRD err:000',
    );
    expect(receipt).toMatchObject({
      id: '40072910491427628',
      submitDate: new Date('2010-07-29T10:49:00Z'),
      doneDate: new Date('2010-07-29T10:49:00Z'),
      messageState: DlrMessageState.DELIVERED,
      err: 0,
      problems: [],
    });
    expect(receipt.text).toBeUndefined();
    // receipted_message_id TLV 30 carries the same string; compare as strings, never as numbers.
    expect(receipt.id).toBe('40072910491427628');
  });

  it('TV-24 reads a LabsMobile UNDELIV receipt without sub, dlvrd or text', () => {
    const receipt = parseDeliveryReceipt(
      'id:6809168bddf6b submit date:2504231634 done date:2504231635 stat:UNDELIV err:001',
    );
    expect(receipt).toMatchObject({
      id: '6809168bddf6b',
      submitDate: new Date('2025-04-23T16:34:00Z'),
      doneDate: new Date('2025-04-23T16:35:00Z'),
      messageState: DlrMessageState.UNDELIVERABLE,
      err: 1,
      problems: [],
    });
    expect(receipt.sub).toBeUndefined();
    expect(receipt.dlvrd).toBeUndefined();
  });

  it('TV-25 reads a LabsMobile DELIVRD receipt; the id matches receipted_message_id', () => {
    const receipt = parseDeliveryReceipt(
      'id:68090a534e551 submit date:2504231542 done date:2504231543 stat:DELIVRD err:000',
    );
    expect(receipt).toMatchObject({ id: '68090a534e551', messageState: DlrMessageState.DELIVERED });
  });

  it('takes the rest of the string as text, spaces and colons included, under any key case', () => {
    const text = 'Your code: 12 34 id:x stat:FAKE';
    for (const key of ['text', 'Text', 'TEXT']) {
      const receipt = parseDeliveryReceipt(`id:1 stat:DELIVRD err:000 ${key}:${text}`);
      expect(receipt.text).toBe(text);
      expect(receipt.stat).toBe('DELIVRD');
    }
  });

  it('takes fields in any order, keys in any case, and keeps unknown fields raw', () => {
    const receipt = parseDeliveryReceipt(
      'Stat:EXPIRED IMSI:219101100935850 Done Date:250423154207 ID:abc Submit_Date:2504231542 err:003 MCCMNC:21910',
    );
    expect(receipt).toMatchObject({
      id: 'abc',
      stat: 'EXPIRED',
      messageState: DlrMessageState.EXPIRED,
      doneDate: new Date('2025-04-23T15:42:07Z'),
      submitDate: new Date('2025-04-23T15:42:00Z'),
      err: 3,
    });
    expect(receipt.raw['imsi']).toBe('219101100935850');
    expect(receipt.raw['mccmnc']).toBe('21910');
  });

  it('keeps what it cannot read in raw and reports it instead of failing', () => {
    const receipt = parseDeliveryReceipt(
      'id:1 submit date:2020-11-18 done date:2513011200 stat:WEIRD err:0x1F',
    );
    expect(receipt.submitDate).toBeUndefined();
    expect(receipt.doneDate).toBeUndefined();
    expect(receipt.err).toBeUndefined();
    expect(receipt.messageState).toBeUndefined();
    expect(receipt.raw).toMatchObject({ 'submit date': '2020-11-18', err: '0x1F', stat: 'WEIRD' });
    expect(receipt.problems).toHaveLength(4);
  });

  it('treats a key named like an Object property as a plain field', () => {
    expect(parseDeliveryReceipt('id:1 constructor:x hasOwnProperty:y stat:DELIVRD').raw['constructor']).toBe(
      'x',
    );
  });

  it('requires id and stat', () => {
    expect(() => parseDeliveryReceipt('sub:001 stat:DELIVRD')).toThrow(DeliveryReceiptError);
    expect(() => parseDeliveryReceipt('id:1 err:000')).toThrow(/no stat/);
    expect(() => parseDeliveryReceipt('')).toThrow(expect.objectContaining({ code: 'missing-field' }));
  });

  it('never throws anything but DeliveryReceiptError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        try {
          parseDeliveryReceipt(text);
        } catch (error) {
          expect(error).toBeInstanceOf(DeliveryReceiptError);
        }
      }),
    );
  });
});

describe('formatDeliveryReceipt', () => {
  const fields = {
    id: '1390125333',
    stat: DlrMessageState.UNDELIVERABLE,
    submitDate: new Date('2020-11-18T11:45:00Z'),
    doneDate: new Date('2020-11-18T11:45:30Z'),
    err: 19,
    text: 'user_message_reference',
  };

  it('writes the Appendix B layout', () => {
    expect(formatDeliveryReceipt({ ...fields, text: 'hello' })).toBe(
      'id:1390125333 sub:001 dlvrd:000 submit date:2011181145 done date:2011181145 stat:UNDELIV err:019 text:hello',
    );
  });

  it('TV-06 writes only the first 20 characters of the text', () => {
    const receipt = formatDeliveryReceipt({ ...fields, text: 'ORDER-2024-000123456789' });
    // providers.md TV-06 prints `ORDER-2024-00012345`, which is 19 characters; the rule (GW2) is 20.
    expect(receipt.endsWith(' text:ORDER-2024-000123456')).toBe(true);
    expect(parseDeliveryReceipt(receipt).text).toHaveLength(20);
    expect(receiptTextOf('😀'.repeat(25))).toBe('😀'.repeat(20));
  });

  it('follows the options: no sub/dlvrd, Text key or none, seconds', () => {
    expect(
      formatDeliveryReceipt(
        { ...fields, stat: DlrMessageState.DELIVERED, err: '000' },
        { includeSubDlvrd: false, textKey: null, withSeconds: true },
      ),
    ).toBe('id:1390125333 submit date:201118114500 done date:201118114530 stat:DELIVRD err:000');
    expect(
      formatDeliveryReceipt({ ...fields, stat: DlrMessageState.DELIVERED }, { textKey: 'Text' }),
    ).toContain('sub:001 dlvrd:001 ');
    expect(formatDeliveryReceipt(fields, { textKey: 'Text' })).toContain(' Text:user_message_refer');
    expect(formatDeliveryReceipt({ ...fields, stat: 'BUFFERD', err: 2306 })).toContain(
      'stat:BUFFERD err:2306 ',
    );
  });

  it('refuses fields that would not parse back', () => {
    expect(() => formatDeliveryReceipt({ ...fields, id: 'a b' })).toThrow(DeliveryReceiptError);
    expect(() => formatDeliveryReceipt({ ...fields, id: '' })).toThrow(DeliveryReceiptError);
    expect(() => formatDeliveryReceipt({ ...fields, stat: 'DEL:IV' })).toThrow(DeliveryReceiptError);
    expect(() => formatDeliveryReceipt({ ...fields, sub: -1 })).toThrow(DeliveryReceiptError);
  });

  const receiptFields = fc.record({
    id: fc.stringMatching(/^[0-9a-zA-Z-]{1,65}$/),
    stat: fc.constantFrom<DlrMessageState[]>(1, 2, 3, 4, 5, 6, 7, 8),
    submitDate: fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    doneDate: fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    sub: fc.integer({ min: 0, max: 999 }),
    dlvrd: fc.integer({ min: 0, max: 999 }),
    err: fc.integer({ min: 0, max: 99_999 }),
    text: fc.string({ maxLength: 30 }),
  });
  const formatOptions = fc.record({
    includeSubDlvrd: fc.boolean(),
    textKey: fc.constantFrom('text' as const, 'Text' as const, null),
    withSeconds: fc.boolean(),
  });

  it('round-trips: parse(format(fields)) gives the fields back, format(parse(text)) the text', () => {
    fc.assert(
      fc.property(receiptFields, formatOptions, (input, options) => {
        const text = formatDeliveryReceipt(input, options);
        const parsed = parseDeliveryReceipt(text);
        const truncate = (date: Date) => {
          const unit = options.withSeconds ? 1_000 : 60_000;
          return new Date(date.getTime() - (date.getTime() % unit));
        };
        expect(parsed).toMatchObject({
          id: input.id,
          messageState: input.stat,
          submitDate: truncate(input.submitDate),
          doneDate: truncate(input.doneDate),
          err: input.err,
          problems: [],
        });
        if (options.includeSubDlvrd) expect(parsed).toMatchObject({ sub: input.sub, dlvrd: input.dlvrd });
        expect(parsed.text).toBe(options.textKey === null ? undefined : receiptTextOf(input.text));
        const again = formatDeliveryReceipt(
          {
            id: parsed.id,
            stat: parsed.stat,
            submitDate: parsed.submitDate!,
            doneDate: parsed.doneDate!,
            sub: parsed.sub,
            dlvrd: parsed.dlvrd,
            err: parsed.raw['err'],
            text: parsed.text,
          },
          options,
        );
        expect(again).toBe(text);
      }),
    );
  });
});
