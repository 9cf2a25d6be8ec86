export { createPdu, createResponse, INTERFACE_VERSION_34, type PduFields, type ResponseName } from './create';
export { decodePdu, type DecodeOptions } from './decode';
export { encodePdu, genericNack } from './encode';
export { LONG_PASSWORD_MAX_SIZE, MAX_SM_LENGTH } from './field-rules';
