export {
  absoluteToRelative,
  formatAbsoluteTime,
  formatDlrDate,
  formatRelativeTime,
  formatSmppTime,
  parseAbsoluteTime,
  parseDlrDate,
  parseRelativeTime,
  parseSmppTime,
  resolveRelativeTime,
  SmppTimeError,
} from './smpp-time';
export type { SmppDuration, SmppTime, SmppTimeErrorCode } from './smpp-time';
