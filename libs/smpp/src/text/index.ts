export type { EncodeOptions, TextCoding } from './types';
export { TEXT_CODINGS } from './types';
export {
  DataCodingError,
  MessageBodyError,
  NoSuitableCodingError,
  ReassemblyError,
  SegmentationError,
  TextDecodingError,
  TextEncodingError,
} from './errors';
export type { MessageBodyErrorCode, ReassemblyErrorCode, SegmentationErrorCode } from './errors';
export {
  decodeGsm7,
  decodeGsm7Packed,
  encodeGsm7,
  encodeGsm7Packed,
  gsm7FillBits,
  gsm7SeptetsFor,
  isGsm7Encodable,
  packGsm7Septets,
  unpackGsm7Septets,
} from './gsm7';
export type { Gsm7PackingOptions } from './gsm7';
export {
  decodeAscii,
  decodeCyrillic,
  decodeLatin1,
  encodeAscii,
  encodeCyrillic,
  encodeLatin1,
} from './single-byte';
export { decodeUcs2, encodeUcs2 } from './ucs2';
export { decodeBinaryHex, encodeBinaryHex } from './binary';
export { canEncodeText, decodeText, encodeText } from './text-codec';
export { buildDataCoding, interpretDataCoding } from './data-coding';
export type {
  Alphabet,
  BuildDataCodingOptions,
  DataCodingForm,
  DataCodingGroup,
  DataCodingInfo,
  MessageClass,
} from './data-coding';
export { countSegments, defaultSegmentCapacity, splitText } from './segmentation';
export type {
  Concatenation,
  ConcatenationMethod,
  MessagePart,
  SegmentCapacity,
  SegmentCount,
  SegmentCountOptions,
  SplitMessage,
  SplitOptions,
} from './segmentation';
export { chooseCheapestCoding } from './coding-choice';
export type { CharacterCoding, ChooseCodingOptions, CodingChoice } from './coding-choice';
export {
  buildConcatUdh,
  buildSarTlvs,
  CONCATENATION_TLV_TAGS,
  parseMessageBody,
  parseSarTlvs,
  parseUserDataHeader,
} from './message-body';
export type { ConcatInfo, InformationElement, ReceivedMessageBody, UserDataHeader } from './message-body';
export { SegmentReassembler } from './reassembly';
export type {
  DroppedMessage,
  ReassemblerOptions,
  ReassemblyOutcome,
  ReceivedSegment,
  SegmentGroupKey,
} from './reassembly';
