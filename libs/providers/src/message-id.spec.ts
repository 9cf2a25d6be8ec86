import { PROVIDER_PROFILES } from './profiles';
import { normaliseMessageId, submitRespMessageId } from './message-id';

const { infobip, labsmobile, mta } = PROVIDER_PROFILES;

describe('normaliseMessageId', () => {
  it('drops leading zeros of decimal ids and keeps them as strings beyond 2^53', () => {
    expect(normaliseMessageId('00040072910491427628', infobip)).toBe('40072910491427628');
    expect(normaliseMessageId('000', infobip)).toBe('0');
    expect(normaliseMessageId('40072910491427629', infobip)).not.toBe(
      normaliseMessageId('40072910491427628', infobip),
    );
  });

  it('lowercases hex ids and drops their leading zeros', () => {
    expect(normaliseMessageId('068090A534E551', labsmobile)).toBe('68090a534e551');
  });

  it('keeps ids that do not match the format, and opaque ids, as they are but trimmed', () => {
    expect(normaliseMessageId('AB-01', infobip)).toBe('AB-01');
    expect(normaliseMessageId(' Ab01\0', mta)).toBe('Ab01');
    expect(normaliseMessageId('Ab01', mta)).not.toBe(normaliseMessageId('ab01', mta));
  });

  it('refuses an empty or over-long id', () => {
    expect(() => normaliseMessageId(' \0', mta)).toThrow(
      expect.objectContaining({ code: 'invalid-message-id' }),
    );
    expect(() => normaliseMessageId('9'.repeat(65), infobip)).toThrow(
      expect.objectContaining({ code: 'invalid-message-id' }),
    );
  });
});

describe('submitRespMessageId', () => {
  it('is undefined for an omitted body and normalised otherwise', () => {
    expect(submitRespMessageId({ message_id: '' }, labsmobile)).toBeUndefined();
    expect(submitRespMessageId({ message_id: '68090A534E551' }, labsmobile)).toBe('68090a534e551');
  });
});
