import { createPdu, formatDeliveryReceipt, Tlv, type DeliverSm, type SubmitSm } from '@app/smpp';
import { NumberLookupTlv } from '@app/providers';
import { scriptedOutcome } from './dialects';

/** The sample answer of Infobip's document (TV-14): a Croatian (219 10) subscriber. */
export const SIM_NUMBER_LOOKUP = {
  imsi: '219101100935850',
  msc: '385910000',
  hlr: '385980000',
  mccMnc: '21910',
  originalNetworkName: 'VIP-NET',
  originalNetworkPrefix: '91',
  originalCountry: 'Croatia',
  originalCountryCode: 'HR',
  originalCountryPrefix: '385',
  portedNetworkName: 'T-Mobile HR',
  portedNetworkPrefix: '98',
  priceHundredths: 1,
} as const;

const cstring = (tag: number, value: string): Tlv => ({ tag, value: Buffer.from(`${value}\0`, 'latin1') });
const int8 = (tag: number, value: number): Tlv => ({ tag, value: Buffer.from([value]) });

/**
 * Infobip's Number Lookup answer (000_*.txt, "Number lookup"): a receipt-style deliver_sm on the HLR
 * bind. Destination ending in 1 → UNDELIV err:001 (EC_UNKNOWN_SUBSCRIBER, network_error_code 030001);
 * ending in 5 → a ported number; otherwise found, not ported.
 */
export function numberLookupReceipt(
  message: { id: string; submit: SubmitSm; submittedAt: number },
  now: number,
): DeliverSm {
  const submit = message.submit;
  const found = scriptedOutcome(submit.destination_addr) !== 'undeliverable';
  const ported = found && submit.destination_addr.endsWith('5');
  const data = SIM_NUMBER_LOOKUP;
  const receipt = formatDeliveryReceipt(
    {
      id: message.id,
      stat: found ? 'DELIVRD' : 'UNDELIV',
      submitDate: new Date(message.submittedAt),
      doneDate: new Date(now),
      err: found ? 0 : 1,
    },
    { textKey: null },
  );
  const tlvs: Tlv[] = [
    { tag: Tlv.network_error_code, value: Buffer.from([3, 0, found ? 0 : 1]) },
    int8(Tlv.message_state, found ? 2 : 5),
    cstring(Tlv.receipted_message_id, message.id),
  ];
  let text = receipt;
  if (found) {
    const ron = ported ? data.portedNetworkPrefix : data.originalNetworkPrefix;
    text += ` IMSI:${data.imsi} MSC:${data.msc} HLR:${data.hlr} ORN:${data.originalNetworkName} PON:${ported ? data.portedNetworkName : ''} RON:${ron} ROC:${data.originalCountryCode} MCCMNC:${data.mccMnc}`;
    tlvs.push(
      { tag: NumberLookupTlv.imsi, value: Buffer.from(data.imsi, 'latin1') },
      cstring(NumberLookupTlv.servingHlr, data.hlr),
      cstring(NumberLookupTlv.mccMnc, data.mccMnc),
      cstring(NumberLookupTlv.originalNetworkName, data.originalNetworkName),
      cstring(NumberLookupTlv.originalNetworkPrefix, data.originalNetworkPrefix),
      cstring(NumberLookupTlv.originalCountry, data.originalCountry),
      cstring(NumberLookupTlv.originalCountryCode, data.originalCountryCode),
      cstring(NumberLookupTlv.originalCountryPrefix, data.originalCountryPrefix),
      int8(NumberLookupTlv.pricePerMessage, data.priceHundredths),
      int8(NumberLookupTlv.isNumberPorted, ported ? 1 : 0),
      int8(NumberLookupTlv.isNumberCorrect, 1),
    );
    if (ported) {
      tlvs.push(
        cstring(NumberLookupTlv.portedNetworkName, data.portedNetworkName),
        cstring(NumberLookupTlv.portedNetworkPrefix, data.portedNetworkPrefix),
      );
    }
  }
  return createPdu('deliver_sm', {
    source_addr_ton: submit.dest_addr_ton,
    source_addr_npi: submit.dest_addr_npi,
    source_addr: submit.destination_addr,
    esm_class: 0x04,
    short_message: Buffer.from(text, 'latin1'),
    tlvs,
  });
}
