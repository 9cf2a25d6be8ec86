import { CommandId, DlrMessageState, decodePdu, readFrame, type SubmitSmResp } from '@app/smpp';
import { parseDeliver, type InboundDlr } from '../dlr/parse-deliver';
import { normaliseMessageId, submitRespMessageId } from '../message-id';
import { classifyBindResp, classifySubmitResp, nextBindPlan } from '../status/classify-status';
import { shapeSubmit } from '../submit/shape-submit';
import { deliverSm, NOW, submitted, textMessage, tlvOf } from '../testing/fixtures';
import { LABSMOBILE_PROFILE as LM } from './labsmobile.profile';

function receipt(...args: Parameters<typeof deliverSm>): InboundDlr {
  const parsed = parseDeliver(deliverSm(...args), LM);
  if (parsed.kind !== 'dlr') throw new Error('expected a receipt');
  return parsed;
}

function submitSmResp(status: number, body: Buffer): SubmitSmResp {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(16 + body.length, 0);
  header.writeUInt32BE(CommandId.submit_sm_resp, 4);
  header.writeUInt32BE(status, 8);
  header.writeUInt32BE(2, 12);
  const bytes = Buffer.concat([header, body]);
  return decodePdu(readFrame(bytes)) as SubmitSmResp;
}

describe('LabsMobile profile (providers.md §7)', () => {
  it('TV-24: the UNDELIV sample without sub, dlvrd or text is final and correlates to its submit', () => {
    const dlr = receipt('id:6809168bddf6b submit date:2504231634 done date:2504231635 stat:UNDELIV err:001', {
      esmClass: 4,
      tlvs: [tlvOf.messageState(5), tlvOf.receiptedMessageId('6809168bddf6b')],
    });
    expect(dlr).toMatchObject({
      messageState: DlrMessageState.UNDELIVERABLE,
      final: true,
      category: 'permanent_failure',
    });
    expect(dlr.providerMessageId).toBe(normaliseMessageId('6809168bddf6b', LM));
    expect(dlr.submitDate).toEqual(new Date('2025-04-23T16:34:00Z'));
    expect(dlr.doneDate).toEqual(new Date('2025-04-23T16:35:00Z'));
    expect(dlr.problems).toEqual([]);
    expect(dlr.providerError).toMatchObject({ raw: '001', code: 1, known: false });
    expect(dlr.err).toBe('299');
  });

  it('TV-25: DELIVERED, matched on receipted_message_id, not on the swapped addresses', () => {
    const dlr = receipt('id:68090a534e551 submit date:2504231542 done date:2504231543 stat:DELIVRD err:000', {
      sourceAddr: '573137464378',
      destinationAddr: 'SENDER',
      tlvs: [tlvOf.messageState(2), tlvOf.receiptedMessageId('68090a534e551')],
    });
    expect(dlr).toMatchObject({
      messageState: DlrMessageState.DELIVERED,
      category: 'delivered',
      final: true,
    });
    expect(dlr.providerMessageId).toBe('68090a534e551');
    expect(dlr).toMatchObject({ handset: '573137464378', sender: 'SENDER' });
  });

  it('TV-25: the TLVs win over the text when they disagree', () => {
    const dlr = receipt('id:000000000000 submit date:2504231542 done date:2504231543 stat:UNDELIV err:000', {
      tlvs: [tlvOf.messageState(2), tlvOf.receiptedMessageId('68090A534E551')],
    });
    expect(dlr.providerMessageId).toBe('68090a534e551');
    expect(dlr.messageState).toBe(DlrMessageState.DELIVERED);
    expect(dlr.problems).toHaveLength(2);
  });

  it('TV-26: a bare 16-octet submit_sm_resp with 0xFF parses with no message_id and is rerouted', () => {
    const resp = submitSmResp(0xff, Buffer.alloc(0));
    expect(resp.command_status).toBe(0xff);
    expect(submitRespMessageId(resp, LM)).toBeUndefined();
    expect(classifySubmitResp(resp.command_status, LM)).toMatchObject({
      action: 'REROUTE',
      suspectBalance: true,
    });
  });

  it('TV-27: a 30-octet submit_sm_resp carries the 13-character id', () => {
    const body = Buffer.from('68090a534e551\0', 'latin1');
    expect(body).toHaveLength(14);
    const resp = submitSmResp(0, body);
    expect(submitRespMessageId(resp, LM)).toBe('68090a534e551');
    expect(classifySubmitResp(resp.command_status, LM).action).toBe('OK');
  });
});

describe('LabsMobile beyond the test vectors', () => {
  it('falls back from TRX to a TX + RX pair to TX alone when a bind type is refused', () => {
    expect(LM.session.bindPlans.map((plan) => plan.sessions)).toEqual([
      ['transceiver'],
      ['transmitter', 'receiver'],
      ['transmitter'],
    ]);
    expect(nextBindPlan(LM, 0, 0x0d)).toBe(1);
    expect(nextBindPlan(LM, 1, 0x03)).toBe(2);
    expect(LM.session.bindPlans[2].receivesDeliveryReceipts).toBe(false);
    expect(nextBindPlan(LM, 2, 0x0d)).toBeUndefined();
    // Wrong credentials are not a bind-type problem.
    expect(nextBindPlan(LM, 0, 0x0e)).toBeUndefined();
    expect(classifyBindResp(0x0e, LM).action).toBe('SESSION');
  });

  it('transcodes a Latin-1 request to GSM7 when it fits, else to UCS-2', () => {
    const gsm = submitted(shapeSubmit(textMessage('Café', { dataCoding: 0x03 }), LM, { now: NOW }));
    expect(gsm.pdus[0]).toMatchObject({
      data_coding: 0x00,
      short_message: Buffer.from([0x43, 0x61, 0x66, 0x05]),
    });
    const ucs2 = submitted(shapeSubmit(textMessage('Ça coûte', { dataCoding: 0x03 }), LM, { now: NOW }));
    expect(ucs2.pdus[0].data_coding).toBe(0x08);
  });
});
