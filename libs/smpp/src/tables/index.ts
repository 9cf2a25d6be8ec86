export { CommandId, commandName, isResponseId, responseIdFor } from './command-id';
export { CommandStatus, statusName, type CommandStatusName } from './command-status';
export {
  Tlv,
  VENDOR_TLV_MAX_TAG,
  VENDOR_TLV_MIN_TAG,
  createTlv,
  findTlv,
  registerVendorTlv,
  tlvDefinition,
  tlvInteger,
  tlvName,
  tlvString,
  type TlvDefinition,
  type TlvName,
  type TlvValueType,
  type VendorTlvDefinition,
} from './tlv';
