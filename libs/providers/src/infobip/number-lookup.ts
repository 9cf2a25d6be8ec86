import {
  createPdu,
  findTlv,
  tlvInteger,
  tlvString,
  type SubmitSm,
  type VendorTlvDefinition,
} from '@app/smpp';
import { ProviderInputError } from '../errors';
import { parseDeliver, type DeliverSmInput, type InboundDlr } from '../dlr/parse-deliver';
import type { PhoneNumber } from '../message';
import type { FeatureProfile, ProviderProfile } from '../profile';
import { shapeDestination } from '../submit/address';

type NumberLookupBind = NonNullable<FeatureProfile['numberLookup']>;

/**
 * Infobip Number Lookup TLVs on the answering deliver_sm (000_*.txt, "Number lookup"). Infobip types
 * them TLVString, TLVInt and Oct; the width of a TLVInt is not stated, so integers are read from
 * whatever 1–4 octets arrive.
 */
export const NumberLookupTlv = {
  imsi: 0x1403,
  servingHlr: 0x1409,
  originalNetworkPrefix: 0x140b,
  originalNetworkName: 0x1412,
  portedNetworkName: 0x1413,
  roamingNetworkName: 0x1414,
  roamingCountryName: 0x1415,
  mccMnc: 0x1416,
  roamingCountryCode: 0x1417,
  pricePerMessage: 0x1418,
  roamingNetworkPrefix: 0x1419,
  roamingCountryPrefix: 0x1420,
  isNumberPorted: 0x1421,
  originalCountry: 0x1422,
  originalCountryCode: 0x1423,
  originalCountryPrefix: 0x1424,
  isNumberCorrect: 0x1425,
  portedNetworkPrefix: 0x143e,
  portedNetworkCountryName: 0x143f,
  portedCountryPrefix: 0x1442,
} as const;

const INTEGER_TLVS: ReadonlySet<number> = new Set([
  NumberLookupTlv.pricePerMessage,
  NumberLookupTlv.isNumberPorted,
  NumberLookupTlv.isNumberCorrect,
]);

/** Codec definitions: strings as C-Octet Strings (a missing NUL is tolerated), integers and the IMSI as raw octets. */
export const NUMBER_LOOKUP_TLV_DEFINITIONS: readonly VendorTlvDefinition[] = Object.entries(
  NumberLookupTlv,
).map(([name, tag]): VendorTlvDefinition =>
  tag === NumberLookupTlv.imsi
    ? { tag, name: `infobip_${name}`, type: 'octets' }
    : INTEGER_TLVS.has(tag)
      ? { tag, name: `infobip_${name}`, type: 'octets', maxLength: 4 }
      : { tag, name: `infobip_${name}`, type: 'cstring' },
);

export interface NetworkInfo {
  networkName?: string;
  networkPrefix?: string;
  countryName?: string;
  countryCode?: string;
  countryPrefix?: string;
}

export interface NumberLookupResult {
  /** The receipt part: id, state, GSM error (TV-13: err 1 is EC_UNKNOWN_SUBSCRIBER). */
  receipt: InboundDlr;
  /** The lookup succeeded (stat DELIVRD). */
  found: boolean;
  imsi?: string;
  mccMnc?: string;
  mcc?: string;
  mnc?: string;
  servingHlr?: string;
  original: NetworkInfo;
  ported?: boolean;
  portedTo: NetworkInfo;
  /** [inference] The serving (roaming) network differs from the home network; undefined when not reported. */
  roaming?: boolean;
  roamingIn: NetworkInfo;
  numberCorrect?: boolean;
  /** Price per message ×100 as Infobip sends it ("multiplied by 100 for compatibility reasons"); currency not stated. */
  priceHundredths?: number;
  /** `IMSI:… MSC:… HLR:… ORN:… PON:… RON:… ROC:… MCCMNC:…` from the text, keys in lowercase. */
  textFields: Record<string, string>;
}

const TEXT_FIELDS = ['imsi', 'msc', 'hlr', 'orn', 'pon', 'ron', 'roc', 'mccmnc'] as const;

/** The bind for Number Lookup: the account's own credentials with system_type HLR (000_*.txt). */
export function numberLookupBind(profile: ProviderProfile): NumberLookupBind {
  const lookup = profile.features.numberLookup;
  if (lookup === undefined) {
    throw new ProviderInputError('invalid-message', `${profile.name} has no Number Lookup`);
  }
  return lookup;
}

/** A Number Lookup request: Infobip reads only destination_addr and ignores every other field. */
export function numberLookupSubmit(destination: PhoneNumber, profile: ProviderProfile): SubmitSm {
  numberLookupBind(profile);
  const address = shapeDestination(destination, profile);
  return createPdu('submit_sm', {
    dest_addr_ton: address.ton,
    dest_addr_npi: address.npi,
    destination_addr: address.addr,
    registered_delivery: 1,
  });
}

/** The answer to a Number Lookup request (a deliver_sm on the HLR bind). */
export function parseNumberLookup(pdu: DeliverSmInput, profile: ProviderProfile): NumberLookupResult {
  const inbound = parseDeliver(pdu, profile);
  if (inbound.kind !== 'dlr') {
    throw new ProviderInputError('invalid-deliver', 'a Number Lookup answer is a receipt (esm_class 0x04)');
  }
  const text = (tag: number) => {
    const value = findTlv(pdu, tag);
    const decoded = value === undefined ? '' : tlvString(value).trim();
    return decoded === '' ? undefined : decoded;
  };
  const flag = (tag: number) => {
    const value = findTlv(pdu, tag);
    const number = value === undefined ? undefined : tlvInteger(value);
    return number === undefined ? undefined : number !== 0;
  };
  const textFields: Record<string, string> = {};
  for (const key of TEXT_FIELDS) {
    const value = inbound.receipt?.raw[key];
    if (value !== undefined && value !== '') textFields[key] = value;
  }

  const result: NumberLookupResult = {
    receipt: inbound,
    found: inbound.category === 'delivered',
    original: networkInfo({
      networkName: text(NumberLookupTlv.originalNetworkName),
      networkPrefix: text(NumberLookupTlv.originalNetworkPrefix),
      countryName: text(NumberLookupTlv.originalCountry),
      countryCode: text(NumberLookupTlv.originalCountryCode),
      countryPrefix: text(NumberLookupTlv.originalCountryPrefix),
    }),
    portedTo: networkInfo({
      networkName: text(NumberLookupTlv.portedNetworkName),
      networkPrefix: text(NumberLookupTlv.portedNetworkPrefix),
      countryName: text(NumberLookupTlv.portedNetworkCountryName),
      countryPrefix: text(NumberLookupTlv.portedCountryPrefix),
    }),
    roamingIn: networkInfo({
      networkName: text(NumberLookupTlv.roamingNetworkName),
      networkPrefix: text(NumberLookupTlv.roamingNetworkPrefix),
      countryName: text(NumberLookupTlv.roamingCountryName),
      countryCode: text(NumberLookupTlv.roamingCountryCode),
      countryPrefix: text(NumberLookupTlv.roamingCountryPrefix),
    }),
    textFields,
  };
  const imsiOctets = findTlv(pdu, NumberLookupTlv.imsi);
  const imsi = imsiOctets !== undefined ? tlvString(imsiOctets).trim() : textFields['imsi'];
  if (imsi) result.imsi = imsi;
  const mccMnc = text(NumberLookupTlv.mccMnc) ?? textFields['mccmnc'];
  if (mccMnc !== undefined && /^\d{5,6}$/.test(mccMnc)) {
    // ITU-T E.212: a 3-digit MCC, then a 2- or 3-digit MNC.
    result.mccMnc = mccMnc;
    result.mcc = mccMnc.slice(0, 3);
    result.mnc = mccMnc.slice(3);
  }
  const servingHlr = text(NumberLookupTlv.servingHlr);
  if (servingHlr !== undefined) result.servingHlr = servingHlr;
  const ported = flag(NumberLookupTlv.isNumberPorted);
  if (ported !== undefined) result.ported = ported;
  const numberCorrect = flag(NumberLookupTlv.isNumberCorrect);
  if (numberCorrect !== undefined) result.numberCorrect = numberCorrect;
  const price = findTlv(pdu, NumberLookupTlv.pricePerMessage);
  const priceHundredths = price === undefined ? undefined : tlvInteger(price);
  if (priceHundredths !== undefined) result.priceHundredths = priceHundredths;
  const roaming = isRoaming(result);
  if (roaming !== undefined) result.roaming = roaming;
  return result;
}

/** Roaming when the serving network's name or country differs from the home (ported, else original) network's. */
function isRoaming(result: NumberLookupResult): boolean | undefined {
  const serving = result.roamingIn;
  const homeName = result.ported ? result.portedTo.networkName : result.original.networkName;
  if (serving.networkName === undefined || homeName === undefined) return undefined;
  const countryDiffers =
    serving.countryCode !== undefined &&
    result.original.countryCode !== undefined &&
    serving.countryCode !== result.original.countryCode;
  return serving.networkName !== homeName || countryDiffers;
}

function networkInfo(fields: { [K in keyof NetworkInfo]: string | undefined }): NetworkInfo {
  const info: NetworkInfo = {};
  for (const [key, value] of Object.entries(fields) as Array<[keyof NetworkInfo, string | undefined]>) {
    if (value !== undefined) info[key] = value;
  }
  return info;
}
