export type ProviderInputErrorCode =
  | 'invalid-message'
  | 'invalid-destination'
  | 'invalid-source'
  | 'invalid-body'
  | 'invalid-time'
  | 'invalid-deliver'
  | 'invalid-message-id'
  | 'invalid-status';

/**
 * Input a provider hook cannot work with: a malformed outbound message, or a deliver_sm that names
 * neither a message nor a state. Thrown, never returned; `code` says which rule was broken.
 */
export class ProviderInputError extends Error {
  override readonly name = 'ProviderInputError';

  constructor(
    readonly code: ProviderInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}
