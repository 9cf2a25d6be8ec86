import fc from 'fast-check';
import {
  absoluteToRelative,
  formatAbsoluteTime,
  formatDlrDate,
  formatRelativeTime,
  formatSmppTime,
  parseAbsoluteTime,
  parseDlrDate,
  parseRelativeTime,
  parseSmppTime,
  resolveRelativeTime,
  SmppTimeError,
  type SmppDuration,
} from './smpp-time';

const zero: SmppDuration = { years: 0, months: 0, days: 0, hours: 0, minutes: 0, seconds: 0, tenths: 0 };
const dates = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2089-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

describe('absolute SMPP time', () => {
  it('reads UTC+0 (smpp34.md §10 example)', () => {
    expect(parseAbsoluteTime('250101120000000+')).toEqual(new Date('2025-01-01T12:00:00.000Z'));
  });

  it('applies the quarter-hour offset: + is ahead of UTC, - behind', () => {
    // 12:00 local at UTC+5:30 (22 quarter hours) is 06:30 UTC; at UTC-3 (12) it is 15:00 UTC.
    expect(parseAbsoluteTime('250101120000022+')).toEqual(new Date('2025-01-01T06:30:00.000Z'));
    expect(parseAbsoluteTime('250101120000012-')).toEqual(new Date('2025-01-01T15:00:00.000Z'));
    expect(parseAbsoluteTime('250101010000048+')).toEqual(new Date('2024-12-31T13:00:00.000Z'));
  });

  it('keeps tenths of a second', () => {
    expect(parseSmppTime('240229235959900+')).toEqual({
      kind: 'absolute',
      date: new Date('2024-02-29T23:59:59.900Z'),
      offsetQuarterHours: 0,
    });
  });

  it('formats in local time at the asked offset', () => {
    const date = new Date('2025-01-01T06:30:00.250Z');
    expect(formatAbsoluteTime(date)).toBe('250101063000200+');
    expect(formatAbsoluteTime(date, { offsetQuarterHours: 22 })).toBe('250101120000222+');
    expect(formatAbsoluteTime(date, { offsetQuarterHours: -12 })).toBe('250101033000212-');
    expect(() => formatAbsoluteTime(date, { offsetQuarterHours: 49 })).toThrow(SmppTimeError);
    expect(() => formatAbsoluteTime(new Date('2100-01-01T00:00:00Z'))).toThrow(/year 2100/);
  });

  it('treats the empty string as "no time"', () => {
    expect(parseSmppTime('')).toBeNull();
  });

  it.each([
    ['2501011200000', 'length'],
    ['25010112000000000+', 'length'],
    ['2501011200a0000+', 'not-digits'],
    ['250101120000000*', 'sign'],
    ['251301120000000+', 'month'],
    ['250001120000000+', 'month'],
    ['250229120000000+', 'day'],
    ['250431120000000+', 'day'],
    ['250100120000000+', 'day'],
    ['250101240000000+', 'hour'],
    ['250101126000000+', 'minute'],
    ['250101120060000+', 'second'],
    ['250101120000049+', 'offset'],
  ])('rejects %j with code %s and names the problem', (input, code) => {
    expect(() => parseSmppTime(input)).toThrow(SmppTimeError);
    expect(() => parseSmppTime(input)).toThrow(expect.objectContaining({ code, input: expect.any(String) }));
  });

  it('says which field is wrong', () => {
    expect(() => parseSmppTime('251301120000000+')).toThrow('month 13 is not 01..12 in "251301120000000+"');
  });

  it('round-trips: parse(format(date)) to the tenth, format(parse(text)) exactly', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -48, max: 48 }), (date, offsetQuarterHours) => {
        const localYear = new Date(date.getTime() + offsetQuarterHours * 900_000).getUTCFullYear();
        fc.pre(localYear >= 2000 && localYear <= 2099);
        const text = formatAbsoluteTime(date, { offsetQuarterHours });
        const parsed = parseSmppTime(text)!;
        expect(parsed.kind === 'absolute' && parsed.date.getTime()).toBe(
          date.getTime() - (date.getTime() % 100),
        );
        expect(formatSmppTime(parsed)).toBe(text);
      }),
    );
  });
});

describe('relative SMPP time', () => {
  it('reads the SMPP examples: +1 hour, +7 days', () => {
    expect(parseRelativeTime('000000010000000R')).toEqual({ ...zero, hours: 1 });
    expect(parseRelativeTime('000007000000000R')).toEqual({ ...zero, days: 7 });
  });

  it("TV-21 reads Infobip's 070605040302100R, non-zero tenths included", () => {
    expect(parseRelativeTime('070605040302100R')).toEqual({
      years: 7,
      months: 6,
      days: 5,
      hours: 4,
      minutes: 3,
      seconds: 2,
      tenths: 1,
    });
  });

  it('ignores nn, which SMPP 3.4 says to ignore in a relative time', () => {
    expect(parseRelativeTime('000000010000004R')).toEqual({ ...zero, hours: 1 });
  });

  it('TV-20 turns "now + 30 minutes" into 000000003000000R for Infobip', () => {
    const now = new Date('2025-04-23T15:42:17.345Z');
    const target = new Date(now.getTime() + 30 * 60_000);
    expect(formatRelativeTime(absoluteToRelative(target, now))).toBe('000000003000000R');
  });

  it('resolves years and months by the calendar', () => {
    const now = new Date('2024-01-31T10:00:00.000Z');
    expect(resolveRelativeTime({ ...zero, months: 1 }, now)).toEqual(new Date('2024-02-29T10:00:00.000Z'));
    expect(resolveRelativeTime({ ...zero, years: 1, months: 1 }, now)).toEqual(
      new Date('2025-02-28T10:00:00.000Z'),
    );
    expect(resolveRelativeTime({ ...zero, days: 1, tenths: 5 }, now)).toEqual(
      new Date('2024-02-01T10:00:00.500Z'),
    );
    expect(
      resolveRelativeTime(parseRelativeTime('070605040302100R'), new Date('2025-01-01T00:00:00Z')),
    ).toEqual(new Date('2032-07-06T04:03:02.100Z'));
  });

  it('converts an absolute time to relative calendar-aware', () => {
    const now = new Date('2024-01-31T10:00:00.000Z');
    expect(absoluteToRelative(new Date('2024-02-29T10:00:00.000Z'), now)).toEqual({ ...zero, months: 1 });
    expect(absoluteToRelative(new Date('2024-03-01T09:00:00.000Z'), now)).toEqual({
      ...zero,
      months: 1,
      hours: 23,
    });
    expect(absoluteToRelative(now, now)).toEqual(zero);
    expect(() => absoluteToRelative(new Date('2024-01-31T09:59:59Z'), now)).toThrow(
      expect.objectContaining({ code: 'past' }),
    );
    expect(() => absoluteToRelative(new Date('2124-02-01T00:00:00Z'), now)).toThrow(
      expect.objectContaining({ code: 'duration' }),
    );
  });

  it('refuses durations that do not fit the format', () => {
    expect(() => formatRelativeTime({ ...zero, days: 100 })).toThrow(SmppTimeError);
    expect(() => formatRelativeTime({ ...zero, tenths: 10 })).toThrow(
      expect.objectContaining({ code: 'tenths' }),
    );
    expect(() => formatRelativeTime({ ...zero, hours: 1.5 })).toThrow(SmppTimeError);
    expect(() => resolveRelativeTime(zero, new Date(Number.NaN))).toThrow(
      expect.objectContaining({ code: 'invalid-date' }),
    );
  });

  it('resolves absoluteToRelative back to the target, to the tenth', () => {
    fc.assert(
      fc.property(dates, dates, (a, b) => {
        const [now, target] = a <= b ? [a, b] : [b, a];
        const resolved = resolveRelativeTime(absoluteToRelative(target, now), now).getTime();
        expect(target.getTime() - resolved).toBeGreaterThanOrEqual(0);
        expect(target.getTime() - resolved).toBeLessThan(100);
      }),
    );
  });

  it('round-trips format(parse(text))', () => {
    const durations = fc.record({
      years: fc.integer({ min: 0, max: 99 }),
      months: fc.integer({ min: 0, max: 99 }),
      days: fc.integer({ min: 0, max: 99 }),
      hours: fc.integer({ min: 0, max: 99 }),
      minutes: fc.integer({ min: 0, max: 99 }),
      seconds: fc.integer({ min: 0, max: 99 }),
      tenths: fc.integer({ min: 0, max: 9 }),
    });
    fc.assert(
      fc.property(durations, (duration) => {
        const text = formatRelativeTime(duration);
        expect(parseRelativeTime(text)).toEqual(duration);
        expect(formatSmppTime(parseSmppTime(text)!)).toBe(text);
      }),
    );
  });

  it('keeps absolute and relative apart', () => {
    expect(() => parseRelativeTime('250101120000000+')).toThrow(SmppTimeError);
    expect(() => parseAbsoluteTime('000000010000000R')).toThrow(SmppTimeError);
    expect(() => parseAbsoluteTime('')).toThrow(SmppTimeError);
  });
});

describe('receipt dates', () => {
  it('reads 10 and 12 digits as UTC', () => {
    expect(parseDlrDate('1007291049')).toEqual(new Date('2010-07-29T10:49:00Z'));
    expect(parseDlrDate('250423154207')).toEqual(new Date('2025-04-23T15:42:07Z'));
  });

  it('rejects other lengths and impossible dates', () => {
    expect(() => parseDlrDate('25042315')).toThrow(expect.objectContaining({ code: 'length' }));
    expect(() => parseDlrDate('25042315x2')).toThrow(expect.objectContaining({ code: 'not-digits' }));
    expect(() => parseDlrDate('2504231560')).toThrow(expect.objectContaining({ code: 'minute' }));
  });

  it('formats with or without seconds and round-trips', () => {
    const date = new Date('2025-04-23T15:42:07.900Z');
    expect(formatDlrDate(date)).toBe('2504231542');
    expect(formatDlrDate(date, { withSeconds: true })).toBe('250423154207');
    fc.assert(
      fc.property(dates, fc.boolean(), (when, withSeconds) => {
        const text = formatDlrDate(when, { withSeconds });
        expect(formatDlrDate(parseDlrDate(text), { withSeconds })).toBe(text);
      }),
    );
  });
});
