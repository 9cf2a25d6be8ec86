export {
  DEFAULT_MAX_COMMAND_LENGTH,
  FrameDecoder,
  HEADER_LENGTH,
  readFrame,
  type FrameDecoderOptions,
} from './frame-decoder';
export { FramingError, PduDecodeError, PduEncodeError, SmppError } from '../errors';
