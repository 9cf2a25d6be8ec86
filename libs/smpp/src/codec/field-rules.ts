import { CommandStatus } from '../tables/command-status';

/**
 * A C-Octet String mandatory field: ASCII (we accept Latin-1) ending in NUL, at most `maxSize`
 * octets including the NUL (SPEC §3.1, §4). `status` is what a request breaking the rule is
 * answered with. A time field (SPEC §7.1.1) is either empty or exactly 16 characters.
 */
export interface CStringRule {
  readonly field: string;
  readonly maxSize: number;
  readonly status: number;
  readonly time?: true;
}

const rule = (field: string, maxSize: number, status: number, time?: true): CStringRule =>
  time ? { field, maxSize, status, time } : { field, maxSize, status };

/** Infobip needs passwords beyond 8 characters (seed 000_*.txt); 65 octets caps what we accept. */
export const LONG_PASSWORD_MAX_SIZE = 65;
/** SPEC §5.2.21: sm_length is 0..254. */
export const MAX_SM_LENGTH = 254;

export const Rules = {
  service_type: rule('service_type', 6, CommandStatus.ESME_RINVSERTYP),
  source_addr: rule('source_addr', 21, CommandStatus.ESME_RINVSRCADR),
  destination_addr: rule('destination_addr', 21, CommandStatus.ESME_RINVDSTADR),
  schedule_delivery_time: rule('schedule_delivery_time', 17, CommandStatus.ESME_RINVSCHED, true),
  validity_period: rule('validity_period', 17, CommandStatus.ESME_RINVEXPIRY, true),
  system_id: rule('system_id', 16, CommandStatus.ESME_RINVSYSID),
  password: rule('password', 9, CommandStatus.ESME_RINVPASWD),
  long_password: rule('password', LONG_PASSWORD_MAX_SIZE, CommandStatus.ESME_RINVPASWD),
  system_type: rule('system_type', 13, CommandStatus.ESME_RINVSYSTYP),
  // SPEC has no status of its own for address_range; the bind as a whole fails.
  address_range: rule('address_range', 41, CommandStatus.ESME_RBINDFAIL),
  message_id: rule('message_id', 65, CommandStatus.ESME_RINVMSGID),
  // final_date only travels in query_sm_resp, which is never answered; the status is informative.
  final_date: rule('final_date', 17, CommandStatus.ESME_RQUERYFAIL, true),
} as const;
