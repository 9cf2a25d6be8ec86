import { SmppError } from '../errors';
import type { CommandName, PduOf } from '../pdu/types';
import { CommandId } from '../tables/command-id';

/** Fields of a PDU that its creator may set: everything but the command and its id. */
export type PduFields<C extends CommandName> = Partial<Omit<PduOf<C>, 'command' | 'command_id'>>;

/** The response command of a request command (never for responses, outbind, alert_notification). */
export type ResponseName<C extends CommandName> = Extract<`${C}_resp`, CommandName>;

const EMPTY = Buffer.alloc(0);

/** SPEC §5.2.4: 0x34 announces SMPP 3.4. (node-smpp defaults to 0x50, i.e. 5.0.) */
export const INTERFACE_VERSION_34 = 0x34;

const sourceDefaults = { source_addr_ton: 0, source_addr_npi: 0, source_addr: '' };
const destinationDefaults = { dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: '' };
const addressingDefaults = { service_type: '', ...sourceDefaults, ...destinationDefaults };
const shortMessageDefaults = {
  ...addressingDefaults,
  esm_class: 0,
  protocol_id: 0,
  priority_flag: 0,
  schedule_delivery_time: '',
  validity_period: '',
  registered_delivery: 0,
  replace_if_present_flag: 0,
  data_coding: 0,
  sm_default_msg_id: 0,
  short_message: EMPTY,
};
const bindDefaults = {
  system_id: '',
  password: '',
  system_type: '',
  interface_version: INTERFACE_VERSION_34,
  addr_ton: 0,
  addr_npi: 0,
  address_range: '',
};
const messageIdDefaults = { message_id: '' };
const systemIdDefaults = { system_id: '' };
const none = {};
/** OtherPdu: a fresh `fields` object is made per PDU, see createPdu. */
const otherDefaults = { fields: undefined };

/** Every mandatory field of each command with its zero value ('' / 0 / empty Buffer). */
const DEFAULTS: Record<CommandName, object> = {
  generic_nack: none,
  bind_receiver: bindDefaults,
  bind_receiver_resp: systemIdDefaults,
  bind_transmitter: bindDefaults,
  bind_transmitter_resp: systemIdDefaults,
  query_sm: { message_id: '', ...sourceDefaults },
  query_sm_resp: { message_id: '', final_date: '', message_state: 0, error_code: 0 },
  submit_sm: shortMessageDefaults,
  submit_sm_resp: messageIdDefaults,
  deliver_sm: shortMessageDefaults,
  deliver_sm_resp: messageIdDefaults,
  unbind: none,
  unbind_resp: none,
  replace_sm: otherDefaults,
  replace_sm_resp: otherDefaults,
  cancel_sm: { service_type: '', message_id: '', ...sourceDefaults, ...destinationDefaults },
  cancel_sm_resp: none,
  bind_transceiver: bindDefaults,
  bind_transceiver_resp: systemIdDefaults,
  outbind: otherDefaults,
  enquire_link: none,
  enquire_link_resp: none,
  submit_multi: otherDefaults,
  submit_multi_resp: otherDefaults,
  alert_notification: otherDefaults,
  data_sm: { ...addressingDefaults, esm_class: 0, registered_delivery: 0, data_coding: 0 },
  data_sm_resp: messageIdDefaults,
};

/**
 * A PDU with every field defaulted, then overridden by `fields` (undefined values are ignored).
 * sequence_number and command_status default to 0; interface_version to 0x34.
 */
export function createPdu<C extends CommandName>(command: C, fields?: PduFields<C>): PduOf<C> {
  const command_id = CommandId[command] as number | undefined;
  if (command_id === undefined) {
    throw new SmppError('UNKNOWN_COMMAND', `no SMPP 3.4 command is named '${String(command)}'`);
  }
  const defaults = DEFAULTS[command];
  const pdu: Record<string, unknown> = {
    command,
    command_id,
    command_status: 0,
    sequence_number: 0,
    ...defaults,
    tlvs: [],
  };
  if (defaults === otherDefaults) pdu.fields = {};
  if (fields !== undefined) {
    for (const key of Object.keys(fields)) {
      const value = (fields as Record<string, unknown>)[key];
      if (value !== undefined && key !== 'command' && key !== 'command_id') pdu[key] = value;
    }
  }
  return pdu as unknown as PduOf<C>;
}

/**
 * The response to `request`: same sequence_number, the given command_status (0 by default), every
 * other field defaulted then overridden by `fields`. Throws SmppError for a PDU that has no response
 * (a response itself, outbind, alert_notification); answer those cases with genericNack() if at all.
 */
export function createResponse<C extends CommandName>(
  request: PduOf<C>,
  commandStatus = 0,
  fields?: PduFields<ResponseName<C>>,
): PduOf<ResponseName<C>> {
  const name = `${request.command}_resp`;
  if (!(name in CommandId)) {
    throw new SmppError('NO_RESPONSE', `${request.command} has no response PDU`);
  }
  return createPdu(
    name as ResponseName<C>,
    {
      ...fields,
      command_status: commandStatus,
      sequence_number: request.sequence_number,
    } as PduFields<ResponseName<C>>,
  );
}
