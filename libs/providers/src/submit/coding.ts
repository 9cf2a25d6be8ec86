import {
  buildDataCoding,
  canEncodeText,
  chooseCheapestCoding,
  interpretDataCoding,
  NoSuitableCodingError,
  Tlv,
  type CharacterCoding,
  type CodingChoice,
} from '@app/smpp';
import { ProviderInputError } from '../errors';
import type { OutboundMessage } from '../message';
import type { FlashProfile, ProviderProfile } from '../profile';

export interface TextCodingDecision extends CodingChoice {
  dataCoding: number;
  /** How the message is marked flash, or false when it goes as a normal message. */
  flash: Exclude<FlashProfile['method'], 'unsupported'> | false;
  notes: string[];
}

/** 3GPP TS 23.038 §4: the general data coding group has a class-0 form for GSM7 and UCS-2 text only. */
const CODINGS_WITH_CLASS_0_FORM: readonly CharacterCoding[] = ['gsm7', 'ucs2'];
/** SPEC §5.3.2.1 dest_addr_subunit: 1 = MS display, the TLV form of class 0. */
const SUBUNIT_MS_DISPLAY = 1;

/** The tenant asked for flash: a class-0 data_coding (0x10, 0x18, 0xF0…), the flag, or dest_addr_subunit = 1. */
export function wantsFlash(message: OutboundMessage): boolean {
  if (message.flash === true) return true;
  if (message.dataCoding !== undefined && interpretDataCoding(message.dataCoding).flash) return true;
  const subunit = message.tlvs?.find((tlv) => tlv.tag === Tlv.dest_addr_subunit)?.value;
  return subunit?.length === 1 && subunit[0] === SUBUNIT_MS_DISPLAY;
}

/**
 * The coding and data_coding of a text message at this provider (providers.md §5 DCS matrix): the
 * tenant's alphabet is kept when the profile keeps it and the text fits it; otherwise the profile's
 * automatic codings decide, fewest segments first. Flash is carried the profile's way, or dropped
 * (or refused, per `unsupportedFlash`) where the provider cannot carry it.
 */
export function decideTextCoding(
  text: string,
  message: OutboundMessage,
  profile: ProviderProfile,
  unsupportedFlash: 'send-plain' | 'reroute',
): TextCodingDecision | { reroute: string } {
  const { coding: codingProfile, flash: flashProfile } = profile;
  const requested = requestedCoding(message.dataCoding, profile);
  const candidates =
    requested !== undefined && canEncodeText(text, requested) ? [requested] : codingProfile.autoCodings;
  const notes: string[] = [];
  if (wantsFlash(message)) {
    let refusal: string;
    if (flashProfile.method === 'unsupported') {
      refusal = `${profile.name} does not support flash messages`;
    } else {
      const flashCandidates =
        flashProfile.method === 'data-coding'
          ? withClass0Form(candidates, codingProfile.autoCodings)
          : candidates;
      const choice = choose(text, flashCandidates, profile);
      if (choice.segments === 1 || flashProfile.multipart) {
        const dataCoding =
          flashProfile.method === 'data-coding'
            ? buildDataCoding(choice.coding, { messageClass: 0 })
            : plainDataCoding(choice.coding, profile);
        return { ...choice, dataCoding, flash: flashProfile.method, notes };
      }
      refusal = `${profile.name} does not support multipart flash messages`;
    }
    if (unsupportedFlash === 'reroute') return { reroute: refusal };
    notes.push(`${refusal}: sent as a normal message`);
  }
  const choice = choose(text, candidates, profile);
  return { ...choice, dataCoding: plainDataCoding(choice.coding, profile), flash: false, notes };
}

/** dest_addr_subunit = 1 (MS display), GatewayAPI's preferred flash marker (001_*.txt). */
export function flashSubunitTlv(): Tlv {
  return { tag: Tlv.dest_addr_subunit, value: Buffer.from([SUBUNIT_MS_DISPLAY]) };
}

/** The tenant's alphabet when the profile keeps it as it is; undefined means "ours to choose". */
function requestedCoding(
  dataCoding: number | undefined,
  profile: ProviderProfile,
): CharacterCoding | undefined {
  if (dataCoding === undefined) return undefined;
  const { alphabet } = interpretDataCoding(dataCoding);
  return profile.coding.keptAlphabets.find((coding) => coding === alphabet);
}

function withClass0Form(
  candidates: readonly CharacterCoding[],
  fallback: readonly CharacterCoding[],
): readonly CharacterCoding[] {
  const usable = candidates.filter((coding) => CODINGS_WITH_CLASS_0_FORM.includes(coding));
  return usable.length > 0 ? usable : fallback.filter((coding) => CODINGS_WITH_CLASS_0_FORM.includes(coding));
}

function choose(
  text: string,
  candidates: readonly CharacterCoding[],
  profile: ProviderProfile,
): CodingChoice {
  try {
    return chooseCheapestCoding(text, candidates, {
      method: profile.coding.concatenation,
      capacities: profile.coding.capacities,
    });
  } catch (error) {
    if (error instanceof NoSuitableCodingError) {
      throw new ProviderInputError(
        'invalid-body',
        `text cannot be sent to ${profile.name}: ${error.message}`,
      );
    }
    throw error;
  }
}

function plainDataCoding(coding: CharacterCoding, profile: ProviderProfile): number {
  const dataCoding = profile.coding.dataCodingOf[coding];
  if (dataCoding === undefined) throw new Error(`profile ${profile.id} has no data_coding for ${coding}`);
  return dataCoding;
}
