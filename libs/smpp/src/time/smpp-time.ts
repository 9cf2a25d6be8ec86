/**
 * SMPP 3.4 §7.1.1 time format `YYMMDDhhmmsstnnp` (schedule_delivery_time, validity_period) and the
 * `YYMMDDhhmm[ss]` dates of delivery receipt text. Two-digit years are 2000-2099. All results are
 * UTC; the current time is always a parameter.
 */

export type SmppTimeErrorCode =
  | 'length'
  | 'not-digits'
  | 'sign'
  | 'month'
  | 'day'
  | 'hour'
  | 'minute'
  | 'second'
  | 'tenths'
  | 'offset'
  | 'year'
  | 'duration'
  | 'past'
  | 'invalid-date';

export class SmppTimeError extends Error {
  override readonly name = 'SmppTimeError';

  constructor(
    readonly code: SmppTimeErrorCode,
    problem: string,
    readonly input?: string,
  ) {
    super(input === undefined ? problem : `${problem} in ${JSON.stringify(input)}`);
  }
}

/** Amounts of a relative time; each field is 0..99 except tenths 0..9. */
export interface SmppDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  tenths: number;
}

export type SmppTime =
  | {
      kind: 'absolute';
      /** The instant, in UTC, to the tenth of a second. */
      date: Date;
      /** Offset of the sender's local time from UTC in quarter hours, -48..48 (`+` ahead, `-` behind). */
      offsetQuarterHours: number;
    }
  | { kind: 'relative'; duration: SmppDuration };

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_QUARTER_HOUR = 15 * MS_PER_MINUTE;

/**
 * Parses a 16-character SMPP time; the empty string (a lone NUL on the wire: "immediate" or "SMSC
 * default") gives null. In a relative time the `t` digit is kept (Infobip's own example
 * `070605040302100R` sets it) and `nn`, which SMPP says to ignore, is ignored.
 */
export function parseSmppTime(value: string): SmppTime | null {
  if (value === '') return null;
  if (value.length !== 16) throw new SmppTimeError('length', `length ${value.length} is not 16`, value);
  if (!/^\d{15}$/.test(value.slice(0, 15))) {
    throw new SmppTimeError('not-digits', 'the first 15 characters must be digits', value);
  }
  const sign = value[15];
  const field = (start: number) => Number(value.slice(start, start + 2));
  const [yy, mm, dd, hh, mi, ss] = [0, 2, 4, 6, 8, 10].map(field);
  const tenths = Number(value[12]);
  if (sign === 'R') {
    return {
      kind: 'relative',
      duration: { years: yy, months: mm, days: dd, hours: hh, minutes: mi, seconds: ss, tenths },
    };
  }
  if (sign !== '+' && sign !== '-') {
    throw new SmppTimeError('sign', `last character ${JSON.stringify(sign)} is not '+', '-' or 'R'`, value);
  }
  const quarterHours = field(13);
  if (quarterHours > 48)
    throw new SmppTimeError('offset', `UTC offset ${quarterHours} quarter hours exceeds 48`, value);
  const offsetQuarterHours = sign === '-' ? -quarterHours : quarterHours;
  const local = utcInstant(value, 2000 + yy, mm, dd, hh, mi, ss) + tenths * 100;
  return {
    kind: 'absolute',
    date: new Date(local - offsetQuarterHours * MS_PER_QUARTER_HOUR),
    offsetQuarterHours,
  };
}

/** Parses an absolute SMPP time to its UTC instant; relative or empty input is an error. */
export function parseAbsoluteTime(value: string): Date {
  const time = parseSmppTime(value);
  if (time?.kind !== 'absolute') throw new SmppTimeError('sign', 'not an absolute time', value);
  return time.date;
}

/** Parses a relative SMPP time (`...R`); absolute or empty input is an error. */
export function parseRelativeTime(value: string): SmppDuration {
  const time = parseSmppTime(value);
  if (time?.kind !== 'relative') throw new SmppTimeError('sign', 'not a relative time', value);
  return time.duration;
}

export function formatSmppTime(time: SmppTime): string {
  return time.kind === 'absolute'
    ? formatAbsoluteTime(time.date, { offsetQuarterHours: time.offsetQuarterHours })
    : formatRelativeTime(time.duration);
}

/** `YYMMDDhhmmsstnn+` / `-`: the instant written in local time at the given offset (default UTC). */
export function formatAbsoluteTime(date: Date, options: { offsetQuarterHours?: number } = {}): string {
  const offset = options.offsetQuarterHours ?? 0;
  if (!Number.isInteger(offset) || offset < -48 || offset > 48) {
    throw new SmppTimeError('offset', `UTC offset ${offset} quarter hours is not -48..48`);
  }
  const local = new Date(validTime(date) + offset * MS_PER_QUARTER_HOUR);
  const tenths = Math.floor(local.getUTCMilliseconds() / 100);
  return `${calendarDigits(local, true)}${tenths}${pad2(Math.abs(offset))}${offset < 0 ? '-' : '+'}`;
}

/** `YYMMDDhhmmsst00R`. */
export function formatRelativeTime(duration: SmppDuration): string {
  const { years, months, days, hours, minutes, seconds, tenths } = checkDuration(duration);
  return `${[years, months, days, hours, minutes, seconds].map(pad2).join('')}${tenths}00R`;
}

/**
 * The instant a relative time names, counted from `now`: years and months by the calendar (a day
 * past the end of the target month becomes its last day), the rest as fixed lengths (UTC has no
 * daylight saving).
 */
export function resolveRelativeTime(duration: SmppDuration, now: Date = new Date()): Date {
  const { years, months, days, hours, minutes, seconds, tenths } = checkDuration(duration);
  const base = addCalendarMonths(validTime(now), years * 12 + months);
  const rest = days * MS_PER_DAY + hours * MS_PER_HOUR + minutes * MS_PER_MINUTE + seconds * MS_PER_SECOND;
  return new Date(base + rest + tenths * 100);
}

/**
 * The relative time that resolves from `now` to `target` (to the tenth of a second, rounding
 * down), for providers that accept only relative schedules (Infobip).
 */
export function absoluteToRelative(target: Date, now: Date = new Date()): SmppDuration {
  const targetMs = validTime(target);
  const nowMs = validTime(now);
  if (targetMs < nowMs) {
    throw new SmppTimeError('past', `${target.toISOString()} is before ${now.toISOString()}`);
  }
  const from = new Date(nowMs);
  const to = new Date(targetMs);
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  // The month estimate is off by at most one either way because of day-of-month clamping.
  for (let step = 0; step < 2 && months > 0 && addCalendarMonths(nowMs, months) > targetMs; step++) months--;
  for (let step = 0; step < 2 && addCalendarMonths(nowMs, months + 1) <= targetMs; step++) months++;
  const years = Math.floor(months / 12);
  if (years > 99) throw new SmppTimeError('duration', `${years} years do not fit a relative time`);
  let rest = targetMs - addCalendarMonths(nowMs, months);
  const take = (unit: number) => {
    const amount = Math.floor(rest / unit);
    rest -= amount * unit;
    return amount;
  };
  return {
    years,
    months: months % 12,
    days: take(MS_PER_DAY),
    hours: take(MS_PER_HOUR),
    minutes: take(MS_PER_MINUTE),
    seconds: take(MS_PER_SECOND),
    tenths: take(100),
  };
}

/** Delivery receipt dates: `YYMMDDhhmm` (SMPP Appendix B) or `YYMMDDhhmmss`, read as UTC. */
export function parseDlrDate(value: string): Date {
  if (value.length !== 10 && value.length !== 12) {
    throw new SmppTimeError('length', `length ${value.length} is not 10 or 12`, value);
  }
  if (!/^\d+$/.test(value)) throw new SmppTimeError('not-digits', 'a receipt date must be all digits', value);
  const field = (start: number) => (start < value.length ? Number(value.slice(start, start + 2)) : 0);
  const [yy, mm, dd, hh, mi, ss] = [0, 2, 4, 6, 8, 10].map(field);
  return new Date(utcInstant(value, 2000 + yy, mm, dd, hh, mi, ss));
}

export function formatDlrDate(date: Date, options: { withSeconds?: boolean } = {}): string {
  return calendarDigits(new Date(validTime(date)), options.withSeconds ?? false);
}

function utcInstant(
  input: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  if (month < 1 || month > 12) throw new SmppTimeError('month', `month ${pad2(month)} is not 01..12`, input);
  const lastDay = daysInMonth(year, month - 1);
  if (day < 1 || day > lastDay)
    throw new SmppTimeError('day', `day ${pad2(day)} is not 01..${lastDay}`, input);
  if (hour > 23) throw new SmppTimeError('hour', `hour ${pad2(hour)} is not 00..23`, input);
  if (minute > 59) throw new SmppTimeError('minute', `minute ${pad2(minute)} is not 00..59`, input);
  if (second > 59) throw new SmppTimeError('second', `second ${pad2(second)} is not 00..59`, input);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** `YYMMDDhhmm` or `YYMMDDhhmmss` of a date's UTC fields; the year must be 2000..2099. */
function calendarDigits(date: Date, withSeconds: boolean): string {
  const year = date.getUTCFullYear();
  if (year < 2000 || year > 2099) throw new SmppTimeError('year', `year ${year} is not 2000..2099`);
  const fields = [
    year % 100,
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
  ];
  if (withSeconds) fields.push(date.getUTCSeconds());
  return fields.map(pad2).join('');
}

function addCalendarMonths(epochMs: number, months: number): number {
  const date = new Date(epochMs);
  const monthIndex = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  const timeOfDay = epochMs - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return Date.UTC(year, month, day) + timeOfDay;
}

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function checkDuration(duration: SmppDuration): SmppDuration {
  for (const [name, value] of Object.entries(duration) as Array<[keyof SmppDuration, number]>) {
    const max = name === 'tenths' ? 9 : 99;
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new SmppTimeError(name === 'tenths' ? 'tenths' : 'duration', `${name} ${value} is not 0..${max}`);
    }
  }
  return duration;
}

function validTime(date: Date): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new SmppTimeError('invalid-date', 'invalid Date');
  return time;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
