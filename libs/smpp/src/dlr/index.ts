export {
  DlrMessageState,
  isDlrMessageState,
  isFinalMessageState,
  messageStateToStat,
  statToMessageState,
} from './message-state';
export {
  DeliveryReceiptError,
  formatDeliveryReceipt,
  parseDeliveryReceipt,
  RECEIPT_TEXT_LENGTH,
  receiptTextOf,
} from './receipt';
export type {
  DeliveryReceipt,
  DeliveryReceiptErrorCode,
  DeliveryReceiptFields,
  FormatReceiptOptions,
} from './receipt';
