import { ProviderInputError } from '../errors';
import type { MessageSource, PhoneNumber } from '../message';
import type { ProviderProfile } from '../profile';

export interface SmppAddress {
  addr: string;
  ton: number;
  npi: number;
}

const TON_UNKNOWN = 0;
const TON_INTERNATIONAL = 1;
const TON_NATIONAL = 2;
/** E.164 §6: at most 15 digits, country code first (never 0). */
const INTERNATIONAL_DIGITS = /^[1-9]\d{2,14}$/;
/** 3GPP TS 23.040 §9.1.2.5: an alphanumeric originator is at most 11 characters. */
const MAX_ALPHANUMERIC_LENGTH = 11;

/**
 * The E.164 digits of a phone number (no '+'). International (TON 1) and unknown (TON 0, read as
 * international, as GatewayAPI does: 001_*.txt "0 will be interpreted as 1") numbers are taken as
 * they are; a national number (TON 2) gets its country's calling code after its trunk prefix '0'
 * is dropped. Other TONs (network-specific, subscriber, abbreviated) have no international form.
 */
export function internationalDigits(phone: PhoneNumber, field: 'destination' | 'source'): string {
  const code = field === 'destination' ? 'invalid-destination' : 'invalid-source';
  const ton = phone.ton ?? TON_INTERNATIONAL;
  const raw = phone.number.trim();
  let digits: string;
  if (ton === TON_INTERNATIONAL || ton === TON_UNKNOWN) {
    digits = raw.startsWith('+') ? raw.slice(1) : raw;
  } else if (ton === TON_NATIONAL) {
    const countryCode = phone.countryCallingCode;
    if (countryCode === undefined || !/^[1-9]\d{0,2}$/.test(countryCode)) {
      throw new ProviderInputError(code, `national ${field} ${raw} needs the calling code of its country`);
    }
    digits = countryCode + raw.replace(/^0/, '');
  } else {
    throw new ProviderInputError(code, `${field} TON ${ton} has no international form`);
  }
  if (!INTERNATIONAL_DIGITS.test(digits)) {
    throw new ProviderInputError(
      code,
      `${field} ${JSON.stringify(phone.number)} is not an international number`,
    );
  }
  return digits;
}

/** International digits written the way the provider wants them. */
export function formatInternational(digits: string, profile: ProviderProfile): string {
  return profile.address.internationalFormat === 'plus-digits' ? `+${digits}` : digits;
}

export function shapeDestination(destination: PhoneNumber, profile: ProviderProfile): SmppAddress {
  const digits = internationalDigits(destination, 'destination');
  return { addr: formatInternational(digits, profile), ...profile.address.destination };
}

/** The source address for this provider, or the reason the provider cannot send from it. */
export function shapeSource(
  source: MessageSource,
  profile: ProviderProfile,
): SmppAddress | { unsupported: string } {
  switch (source.type) {
    case 'alphanumeric': {
      const { value } = source;
      if (value.length === 0 || value.length > MAX_ALPHANUMERIC_LENGTH || !/^[\x20-\x7e]+$/.test(value)) {
        throw new ProviderInputError(
          'invalid-source',
          `alphanumeric sender ${JSON.stringify(value)} must be 1..${MAX_ALPHANUMERIC_LENGTH} printable ASCII characters`,
        );
      }
      const alphanumeric = profile.address.alphanumericSource;
      if (alphanumeric === 'unsupported')
        return { unsupported: `${profile.name} takes no alphanumeric sender` };
      return { addr: value, ...alphanumeric };
    }
    case 'number': {
      const ton = source.ton ?? TON_INTERNATIONAL;
      if (ton === TON_INTERNATIONAL || ton === TON_UNKNOWN || ton === TON_NATIONAL) {
        const digits = internationalDigits(source, 'source');
        return { addr: formatInternational(digits, profile), ...profile.address.internationalSource };
      }
      // A short code or other network-specific number travels as the tenant gave it.
      if (!/^\d{1,20}$/.test(source.number)) {
        throw new ProviderInputError(
          'invalid-source',
          `source ${JSON.stringify(source.number)} is not digits`,
        );
      }
      return { addr: source.number, ton, npi: source.npi ?? 0 };
    }
    case 'account-default':
      return profile.address.accountDefaultSource
        ? { addr: '', ton: TON_UNKNOWN, npi: 0 }
        : { unsupported: `${profile.name} needs a sender address` };
  }
}
