import { ProviderInputError } from './errors';
import type { ProviderProfile } from './profile';

/** SPEC §5.2.23: message_id is a C-Octet String of at most 65 octets with its NUL. */
const MAX_MESSAGE_ID_LENGTH = 64;

/**
 * The form of a provider message id used to correlate a receipt with its submit_sm_resp. Ids stay
 * strings: Infobip's 17-digit decimal ids do not fit a JavaScript number exactly.
 *
 * - decimal: leading zeros dropped (`0001390125333` and `1390125333` are one id);
 * - hex: lowercase, leading zeros dropped (LabsMobile `68090A534E551` = `68090a534e551`);
 * - opaque: only surrounding whitespace and NULs dropped; case is significant.
 *
 * An id that does not look like the profile's format is kept opaque rather than rejected: a
 * provider that changes its format must not make receipts uncorrelatable.
 */
export function normaliseMessageId(id: string, profile: ProviderProfile): string {
  const trimmed = trimId(id);
  if (trimmed.length === 0) throw new ProviderInputError('invalid-message-id', 'message id is empty');
  if (trimmed.length > MAX_MESSAGE_ID_LENGTH) {
    throw new ProviderInputError(
      'invalid-message-id',
      `message id of ${trimmed.length} characters exceeds ${MAX_MESSAGE_ID_LENGTH}`,
    );
  }
  switch (profile.messageId.format) {
    case 'decimal':
      return /^\d+$/.test(trimmed) ? stripLeadingZeros(trimmed) : trimmed;
    case 'hex':
      return /^[0-9a-f]+$/i.test(trimmed) ? stripLeadingZeros(trimmed.toLowerCase()) : trimmed;
    case 'opaque':
      return trimmed;
  }
}

/** The normalised message_id of a submit_sm_resp, or undefined when the body was omitted (an error response). */
export function submitRespMessageId(
  resp: { message_id: string },
  profile: ProviderProfile,
): string | undefined {
  return trimId(resp.message_id) === '' ? undefined : normaliseMessageId(resp.message_id, profile);
}

function trimId(id: string): string {
  return id.replace(/^[\s\0]+|[\s\0]+$/g, '');
}

function stripLeadingZeros(digits: string): string {
  const stripped = digits.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}
