export {
  buildMo,
  buildReceipt,
  DLR_STATES,
  ESM_CLASS_DELIVERY_RECEIPT,
  ESM_CLASS_INTERMEDIATE_NOTIFICATION,
  receiptRequested,
  type DlrState,
  type MoMessage,
  type ReceiptOutcome,
  type ReceiptSource,
  type SmppAddress,
} from './deliver-sm';
export { DeliveryConfigError, InvalidDeliveryError, UnknownMessageError } from './delivery.errors';
export {
  DeliveryService,
  deliveryOptionsFromConfig,
  type DeliveryOptions,
  type DlrEvent,
  type MoEvent,
  type RecordDlrResult,
} from './delivery.service';
