// `npm run bench:codec`: encode and decode rates of the hot PDUs, our codec against the reference `smpp`
// package, on one core. Prints one line per measurement, then exactly one JSON line:
// {"bench":"codec","submit_sm_encode_per_s":…,"submit_sm_decode_per_s":…,"deliver_sm_encode_per_s":…,
//  "deliver_sm_decode_per_s":…,"reference_submit_sm_encode_per_s":…,"reference_submit_sm_decode_per_s":…}
// Each measurement warms up, then times a fixed number of operations.
import { PDU } from 'smpp/lib/pdu';
import { Tlv, createPdu, createTlv, decodePdu, encodePdu, readFrame, type Pdu } from '@app/smpp';

const OPERATIONS = 1_000_000;
const REFERENCE_OPERATIONS = 100_000;
const WARM_UP_FRACTION = 5;

/** 160 characters of the GSM 03.38 default alphabet, one septet per octet (data_coding 0). */
const GSM_TEXT = 'Your verification code is 482913. It expires in 10 minutes. Never share it. '
  .repeat(3)
  .slice(0, 160);

const submitFields = {
  sequence_number: 123456,
  source_addr_ton: 5,
  source_addr_npi: 0,
  source_addr: 'AcmeBank',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  destination_addr: '447700900123',
  registered_delivery: 1,
  data_coding: 0,
  short_message: Buffer.from(GSM_TEXT, 'latin1'),
};

const receiptText =
  'id:5f2c8e1a-0b7d-4c1e-9a55 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Your verification co';
const deliverFields = {
  sequence_number: 654321,
  source_addr_ton: 1,
  source_addr_npi: 1,
  source_addr: '447700900123',
  dest_addr_ton: 5,
  dest_addr_npi: 0,
  destination_addr: 'AcmeBank',
  esm_class: 0x04,
  short_message: Buffer.from(receiptText, 'latin1'),
};

let sink = 0;

function rate(label: string, operations: number, run: (count: number) => void): number {
  run(Math.ceil(operations / WARM_UP_FRACTION));
  const started = process.hrtime.bigint();
  run(operations);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = Math.round(operations / seconds);
  console.log(
    `${label.padEnd(40)} ${perSecond.toLocaleString('en-US').padStart(12)} /s  (${operations} ops)`,
  );
  return perSecond;
}

function ours(label: string, pdu: Pdu, operations = OPERATIONS): { encode: number; decode: number } {
  const frame = readFrame(encodePdu(pdu));
  const encode = rate(`ours      ${label} encode`, operations, (count) => {
    for (let i = 0; i < count; i++) sink += encodePdu(pdu).length;
  });
  const decode = rate(`ours      ${label} decode`, operations, (count) => {
    for (let i = 0; i < count; i++) sink += decodePdu(frame).sequence_number;
  });
  return { encode, decode };
}

function reference(
  label: string,
  command: string,
  options: Record<string, unknown>,
): { encode: number; decode: number } {
  const bytes = new PDU(command, { ...options }).toBuffer();
  const encode = rate(`reference ${label} encode`, REFERENCE_OPERATIONS, (count) => {
    for (let i = 0; i < count; i++) sink += new PDU(command, { ...options }).toBuffer().length;
  });
  const decode = rate(`reference ${label} decode`, REFERENCE_OPERATIONS, (count) => {
    for (let i = 0; i < count; i++) sink += new PDU(bytes).sequence_number;
  });
  return { encode, decode };
}

function main(): void {
  const submitSm = createPdu('submit_sm', submitFields);
  const deliverSm = createPdu('deliver_sm', {
    ...deliverFields,
    tlvs: [createTlv(Tlv.receipted_message_id, '5f2c8e1a-0b7d-4c1e-9a55'), createTlv(Tlv.message_state, 2)],
  });
  const referenceSubmitOptions = { ...submitFields, data_coding: 0 };
  if (!new PDU('submit_sm', { ...referenceSubmitOptions }).toBuffer().equals(encodePdu(submitSm))) {
    throw new Error('the reference and our encoder disagree on the benchmark submit_sm');
  }
  console.log(`submit_sm: ${encodePdu(submitSm).length} octets, 160-character GSM text; deliver_sm: receipt`);

  const submit = ours('submit_sm', submitSm);
  const deliver = ours('deliver_sm', deliverSm);
  ours(
    'submit_sm_resp',
    createPdu('submit_sm_resp', { sequence_number: 1, message_id: '5f2c8e1a-0b7d-4c1e' }),
  );
  ours('deliver_sm_resp', createPdu('deliver_sm_resp', { sequence_number: 1 }));
  ours(
    'data_sm',
    createPdu('data_sm', {
      ...submitFields,
      tlvs: [createTlv(Tlv.message_payload, submitFields.short_message)],
    }),
  );
  ours('enquire_link', createPdu('enquire_link', { sequence_number: 1 }));
  const referenceSubmit = reference('submit_sm', 'submit_sm', referenceSubmitOptions);
  reference('deliver_sm', 'deliver_sm', {
    ...deliverFields,
    data_coding: 0,
    receipted_message_id: '5f2c8e1a-0b7d-4c1e-9a55',
    message_state: 2,
  });
  console.error(`(sink ${sink})`);
  console.log(
    JSON.stringify({
      bench: 'codec',
      submit_sm_encode_per_s: submit.encode,
      submit_sm_decode_per_s: submit.decode,
      deliver_sm_encode_per_s: deliver.encode,
      deliver_sm_decode_per_s: deliver.decode,
      reference_submit_sm_encode_per_s: referenceSubmit.encode,
      reference_submit_sm_decode_per_s: referenceSubmit.decode,
    }),
  );
}

main();
