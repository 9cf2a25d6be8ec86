/** A DLR or MO that cannot become a deliver_sm (bad state, err, network error code, or fields the codec refuses). */
export class InvalidDeliveryError extends Error {
  override readonly name = 'InvalidDeliveryError';
}

/** recordDlr named a message id that is not in `messages`. */
export class UnknownMessageError extends Error {
  override readonly name = 'UnknownMessageError';

  constructor(readonly messageId: string) {
    super(`no message with id ${JSON.stringify(messageId)}`);
  }
}

/** Delivery options that contradict each other or are out of range. */
export class DeliveryConfigError extends Error {
  override readonly name = 'DeliveryConfigError';
}
