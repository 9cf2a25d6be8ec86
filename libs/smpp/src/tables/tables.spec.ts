import {
  commands as referenceCommands,
  errors as referenceErrors,
  tlvs as referenceTlvs,
} from 'smpp/lib/defs';
import { SmppError } from '../errors';
import { CommandId, commandName, isResponseId, responseIdFor } from './command-id';
import { CommandStatus, statusName } from './command-status';
import {
  Tlv,
  createTlv,
  findTlv,
  registerVendorTlv,
  tlvDefinition,
  tlvInteger,
  tlvName,
  tlvString,
  type TlvName,
} from './tlv';

/** node-smpp names the same 3.4 TLVs differently here and there. */
const REFERENCE_TLV_NAME: Partial<Record<TlvName, string>> = { destination_port: 'dest_port' };
/** node-smpp uses SMPP 5.0 names for 0xC0–0xC4. */
const REFERENCE_STATUS_NAME: Record<string, string> = {
  ESME_RINVOPTPARSTREAM: 'ESME_RINVTLVSTREAM',
  ESME_ROPTPARNOTALLWD: 'ESME_RTLVNOTALLWD',
  ESME_RINVPARLEN: 'ESME_RINVTLVLEN',
  ESME_RMISSINGOPTPARAM: 'ESME_RMISSINGTLV',
  ESME_RINVOPTPARAMVAL: 'ESME_RINVTLVVAL',
};

describe('CommandId', () => {
  it('agrees with the reference package for every 3.4 command', () => {
    for (const [name, id] of Object.entries(CommandId)) {
      expect([name, referenceCommands[name]?.id]).toEqual([name, id]);
    }
    expect(Object.keys(CommandId)).toHaveLength(27);
  });

  it('maps ids to names and back, and nothing else', () => {
    expect(commandName(0x80000004)).toBe('submit_sm_resp');
    expect(commandName(0x00000103)).toBe('data_sm');
    expect(commandName(0x00000111)).toBeUndefined(); // broadcast_sm is 5.0
    expect(commandName(0x0000000a)).toBeUndefined();
    expect(commandName(0x80000102)).toBeUndefined(); // alert_notification has no response
  });

  it('tells responses by bit 31 and derives response ids', () => {
    expect(isResponseId(CommandId.generic_nack)).toBe(true);
    expect(isResponseId(CommandId.enquire_link_resp)).toBe(true);
    expect(isResponseId(CommandId.enquire_link)).toBe(false);
    expect(responseIdFor(CommandId.submit_sm)).toBe(CommandId.submit_sm_resp);
    expect(responseIdFor(CommandId.data_sm)).toBe(0x80000103);
    expect(responseIdFor(CommandId.submit_sm_resp)).toBe(CommandId.submit_sm_resp);
  });
});

describe('CommandStatus', () => {
  it('agrees with the reference package on every value it names', () => {
    for (const [name, value] of Object.entries(CommandStatus)) {
      expect([name, referenceErrors[REFERENCE_STATUS_NAME[name] ?? name]]).toEqual([name, value]);
    }
  });

  it('covers 0xC0–0xC4, 0xFE and 0xFF by their 3.4 names', () => {
    expect([0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xfe, 0xff].map(statusName)).toEqual([
      'ESME_RINVOPTPARSTREAM',
      'ESME_ROPTPARNOTALLWD',
      'ESME_RINVPARLEN',
      'ESME_RMISSINGOPTPARAM',
      'ESME_RINVOPTPARAMVAL',
      'ESME_RDELIVERYFAILURE',
      'ESME_RUNKNOWNERR',
    ]);
  });

  it('names unknown statuses by their hex value', () => {
    expect(statusName(0x58)).toBe('ESME_RTHROTTLED');
    expect(statusName(0x4a1)).toBe('UNKNOWN(0x000004A1)');
    expect(statusName(0x9)).toBe('UNKNOWN(0x00000009)');
  });
});

describe('Tlv', () => {
  it('agrees with the reference package on every 3.4 tag', () => {
    for (const name of Object.keys(Tlv) as TlvName[]) {
      expect([name, referenceTlvs[REFERENCE_TLV_NAME[name] ?? name]?.id]).toEqual([name, Tlv[name]]);
      expect(tlvName(Tlv[name])).toBe(name);
    }
  });

  it('knows the fixed sizes of the integer TLVs and the bounds of the others', () => {
    expect(tlvDefinition(Tlv.message_state)).toMatchObject({ type: 'int8', minLength: 1, maxLength: 1 });
    expect(tlvDefinition(Tlv.sar_msg_ref_num)).toMatchObject({ minLength: 2, maxLength: 2 });
    // GatewayAPI echoes a text reference here (seeds 001/002), so it is not held to the spec's 2 octets.
    expect(tlvDefinition(Tlv.user_message_reference)).toMatchObject({ minLength: 2, maxLength: 65 });
    expect(tlvDefinition(Tlv.qos_time_to_live)).toMatchObject({ minLength: 4, maxLength: 4 });
    expect(tlvDefinition(Tlv.network_error_code)).toMatchObject({ minLength: 3, maxLength: 3 });
    expect(tlvDefinition(Tlv.receipted_message_id)).toMatchObject({ type: 'cstring', maxLength: 65 });
    expect(tlvDefinition(Tlv.message_payload)).toMatchObject({ minLength: 0, maxLength: 65535 });
    expect(tlvDefinition(0x0428)).toBeUndefined(); // congestion_state is 5.0
    expect(tlvName(0x4000)).toBeUndefined();
  });

  it('finds the first TLV with a tag', () => {
    const pdu = {
      tlvs: [
        { tag: Tlv.sar_msg_ref_num, value: Buffer.from([0, 1]) },
        { tag: Tlv.message_state, value: Buffer.from([2]) },
        { tag: Tlv.message_state, value: Buffer.from([5]) },
      ],
    };
    expect(findTlv(pdu, Tlv.message_state)).toEqual(Buffer.from([2]));
    expect(findTlv(pdu, Tlv.receipted_message_id)).toBeUndefined();
  });

  it('reads text and integer values', () => {
    expect(tlvString(Buffer.from('abc\0', 'latin1'))).toBe('abc');
    expect(tlvString(Buffer.from('abc', 'latin1'))).toBe('abc');
    expect(tlvInteger(Buffer.from([0x01, 0x02]))).toBe(0x0102);
    expect(tlvInteger(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBe(0xffffffff);
    expect(tlvInteger(Buffer.from([1, 2, 3, 4, 5]))).toBeUndefined();
    expect(tlvInteger(Buffer.alloc(0))).toBeUndefined();
  });

  it('builds TLVs by their definition', () => {
    expect(createTlv(Tlv.sar_msg_ref_num, 0x1234)).toEqual({ tag: 0x020c, value: Buffer.from([0x12, 0x34]) });
    expect(createTlv(Tlv.receipted_message_id, 'ab').value).toEqual(Buffer.from('ab\0', 'latin1'));
    expect(createTlv(0x7777, 'ab').value).toEqual(Buffer.from('ab', 'latin1'));
    expect(createTlv(Tlv.network_error_code, Buffer.from([3, 0, 1])).value).toEqual(Buffer.from([3, 0, 1]));
    expect(() => createTlv(Tlv.sar_total_segments, 256)).toThrow(SmppError);
    expect(() => createTlv(Tlv.receipted_message_id, 12)).toThrow(SmppError);
    expect(() => createTlv(Tlv.network_error_code, Buffer.from([3, 0]))).toThrow(/allowed 3..3/);
    expect(() => createTlv(Tlv.receipted_message_id, 'x'.repeat(65))).toThrow(SmppError);
    expect(() => createTlv(Tlv.receipted_message_id, 'a\0b')).toThrow(SmppError);
    expect(() => createTlv(0x10000, Buffer.alloc(0))).toThrow(SmppError);
  });
});

describe('registerVendorTlv', () => {
  it('registers a vendor TLV once, so the codec and createTlv know it', () => {
    registerVendorTlv({ tag: 0x1494, name: 'infobip_shorten_url', type: 'string', maxLength: 100 });
    registerVendorTlv({ tag: 0x1494, name: 'infobip_shorten_url', type: 'string', maxLength: 100 });
    expect(tlvName(0x1494)).toBe('infobip_shorten_url');
    expect(tlvDefinition(0x1494)).toMatchObject({ type: 'string', minLength: 0, maxLength: 100 });
    registerVendorTlv({ tag: 0x1418, name: 'infobip_price', type: 'int32' });
    expect(tlvDefinition(0x1418)).toMatchObject({ minLength: 4, maxLength: 4 });
    expect(createTlv(0x1418, 250).value).toEqual(Buffer.from([0, 0, 0, 250]));
  });

  it.each([0x13ff, 0x4000, 0x0424, 1.5, -1])('refuses tag %p outside 0x1400..0x3FFF', (tag) => {
    expect(() => registerVendorTlv({ tag, name: 'x', type: 'octets' })).toThrow(
      expect.objectContaining({ code: 'VENDOR_TLV_TAG_OUT_OF_RANGE' }),
    );
  });

  it('refuses a conflicting re-registration of a tag or a name', () => {
    registerVendorTlv({ tag: 0x2900, name: 'gatewayapi_message_class', type: 'octets' });
    const conflict = expect.objectContaining({ code: 'VENDOR_TLV_CONFLICT' });
    expect(() => registerVendorTlv({ tag: 0x2900, name: 'other', type: 'octets' })).toThrow(conflict);
    expect(() =>
      registerVendorTlv({ tag: 0x2900, name: 'gatewayapi_message_class', type: 'cstring' }),
    ).toThrow(conflict);
    expect(() =>
      registerVendorTlv({ tag: 0x2901, name: 'gatewayapi_message_class', type: 'octets' }),
    ).toThrow(conflict);
    expect(() => registerVendorTlv({ tag: 0x2902, name: 'message_payload', type: 'octets' })).toThrow(
      conflict,
    );
  });

  it('refuses a bad name, type or maxLength', () => {
    expect(() => registerVendorTlv({ tag: 0x3000, name: '', type: 'octets' })).toThrow(SmppError);
    expect(() => registerVendorTlv({ tag: 0x3000, name: 'x', type: 'float' as 'octets' })).toThrow(SmppError);
    expect(() => registerVendorTlv({ tag: 0x3000, name: 'x', type: 'octets', maxLength: 70000 })).toThrow(
      SmppError,
    );
    expect(tlvName(0x3000)).toBeUndefined();
  });
});
