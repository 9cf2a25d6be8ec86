import { CommandStatus, DlrMessageState } from '@app/smpp';
import { endpointsFor, reconnectDelays } from '../connection';
import { mergeState } from '../dlr/merge-state';
import { parseDeliver, type InboundDlr } from '../dlr/parse-deliver';
import { classifyBindResp, classifySubmitResp } from '../status/classify-status';
import { shapeSubmit } from '../submit/shape-submit';
import { deliverSm, NOW, submitted, textMessage } from '../testing/fixtures';
import { MTA_PROFILE as MTA } from './mta.profile';

function receipt(stat: string, id = 'a1b2c3'): InboundDlr {
  const parsed = parseDeliver(
    deliverSm(
      `id:${id} sub:001 dlvrd:000 submit date:2504231542 done date:2504231543 stat:${stat} err:000 text:Hello`,
    ),
    MTA,
  );
  if (parsed.kind !== 'dlr') throw new Error('expected a receipt');
  return parsed;
}

const toUs = (text: string) =>
  textMessage(text, { source: { type: 'account-default' }, destination: { number: '12125551234' } });

describe('Mobile Text Alerts profile (providers.md §7)', () => {
  it('TV-28: +E.164 destination with TON 1/NPI 1, DCS 0x01, a receipt asked for, empty source allowed', () => {
    const shaped = submitted(shapeSubmit(toUs('Hello'), MTA, { now: NOW }));
    expect(shaped.pdus).toHaveLength(1);
    expect(shaped.pdus[0]).toMatchObject({
      destination_addr: '+12125551234',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      data_coding: 0x01,
      registered_delivery: 0x01,
      source_addr: '',
      short_message: Buffer.from('Hello', 'ascii'),
    });
  });

  it('TV-29: Café goes as Latin-1 0x03 (é = 0xE9); € and ΔΣ need UCS-2 0x08', () => {
    const cafe = submitted(shapeSubmit(toUs('Café'), MTA, { now: NOW }));
    expect(cafe.pdus[0].data_coding).toBe(0x03);
    expect(cafe.pdus[0].short_message).toEqual(Buffer.from([0x43, 0x61, 0x66, 0xe9]));

    const euro = submitted(shapeSubmit(toUs('Price €5'), MTA, { now: NOW }));
    expect(euro.pdus[0].data_coding).toBe(0x08);
    expect(euro.pdus[0].short_message).toEqual(Buffer.from('Price €5', 'utf16le').swap16());

    const greek = submitted(shapeSubmit(toUs('ΔΣ'), MTA, { now: NOW }));
    expect(greek.pdus[0].data_coding).toBe(0x08);
  });

  it('TV-30: 0x58 throttles on MTA instead of rerouting', () => {
    expect(classifySubmitResp(CommandStatus.ESME_RTHROTTLED, MTA)).toMatchObject({ action: 'THROTTLE' });
  });

  it("TV-31: 0x0E on submit_sm_resp is MTA's invalid destination (FAIL); on bind_resp it is SESSION", () => {
    expect(classifySubmitResp(0x0e, MTA)).toMatchObject({
      action: 'FAIL',
      statusName: 'ESME_RINVDSTADR (MTA)',
      source: 'provider',
    });
    expect(classifyBindResp(0x0e, MTA)).toMatchObject({ action: 'SESSION', statusName: 'ESME_RINVPASWD' });
    expect(classifySubmitResp(0x0d, MTA)).toMatchObject({ action: 'REROUTE' });
    expect(classifyBindResp(0x0d, MTA)).toMatchObject({ action: 'SESSION' });
  });

  it('TV-32: esm_class 0x00 is an MO, 0x04 a receipt', () => {
    const mo = parseDeliver(
      deliverSm('STOP', { esmClass: 0x00, sourceAddr: '+12125551234', destinationAddr: '+13125550000' }),
      MTA,
    );
    expect(mo).toMatchObject({
      kind: 'mo',
      messageType: 'normal',
      text: 'STOP',
      alphabet: 'ascii',
      destinationNumber: '13125550000',
    });
    expect(receipt('DELIVRD').kind).toBe('dlr');
  });

  it('TV-33: ACCEPTD is kept as non-final; DELIVRD finalises', () => {
    const accepted = receipt('ACCEPTD');
    expect(accepted).toMatchObject({
      final: false,
      category: 'pending',
      messageState: DlrMessageState.ACCEPTED,
    });
    const delivered = receipt('DELIVRD');
    const first = mergeState(undefined, accepted);
    const second = mergeState(first.state, delivered);
    expect(second).toMatchObject({
      outcome: 'applied',
      state: { messageState: DlrMessageState.DELIVERED, final: true },
    });
    // And a late ACCEPTD never undoes it.
    expect(mergeState(second.state, accepted)).toMatchObject({ outcome: 'stale', state: delivered });
  });

  it('TV-34: reconnect attempts after 1, 2, 4, 8, 16, 32, 60, 60 s', () => {
    expect(reconnectDelays(MTA, 9)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60].map((s) => s * 1_000));
  });

  it('TV-35: enquire_link well inside the 120 s idle cut-off, at 30–60 s', () => {
    const { enquireLinkIntervalMs, serverInactivityTimeoutMs } = MTA.session;
    expect(serverInactivityTimeoutMs).toBe(120_000);
    expect(enquireLinkIntervalMs).toBeGreaterThanOrEqual(30_000);
    expect(enquireLinkIntervalMs).toBeLessThanOrEqual(60_000);
    // A lost enquire_link_resp must still leave room for a second one before the cut-off.
    expect(2 * enquireLinkIntervalMs).toBeLessThan(serverInactivityTimeoutMs!);
  });
});

describe('Mobile Text Alerts beyond the test vectors', () => {
  it('connects over TLS only, even when plain is asked for', () => {
    expect(endpointsFor(MTA, { tls: false })).toEqual([
      { role: 'tls', host: 'smpp.mobile-text-alerts.com', port: 2776, tls: true },
    ]);
  });

  it('cannot send flash: sends it as a normal SMS, or reroutes per option', () => {
    const plain = submitted(shapeSubmit(toUs('Now!'), MTA, { now: NOW }));
    expect(plain.flash).toBe(false);
    const flash = submitted(shapeSubmit({ ...toUs('Now!'), flash: true }, MTA, { now: NOW }));
    expect(flash.pdus[0].data_coding).toBe(0x01);
    expect(flash.notes.join(' ')).toMatch(/does not support flash/);
    expect(
      shapeSubmit({ ...toUs('Now!'), flash: true }, MTA, { now: NOW, unsupportedFlash: 'reroute' }).kind,
    ).toBe('reroute');
  });

  it('reroutes an alphanumeric sender and writes a numeric one as +E.164', () => {
    expect(shapeSubmit(textMessage('Hi'), MTA, { now: NOW }).kind).toBe('reroute');
    const numeric = submitted(
      shapeSubmit(textMessage('Hi', { source: { type: 'number', number: '13125550000' } }), MTA, {
        now: NOW,
      }),
    );
    expect(numeric.pdus[0]).toMatchObject({
      source_addr: '+13125550000',
      source_addr_ton: 1,
      source_addr_npi: 1,
    });
  });

  it('splits long Latin-1 text at 153 characters with a UDH', () => {
    const shaped = submitted(shapeSubmit(toUs('é'.repeat(170)), MTA, { now: NOW }));
    expect(shaped.pdus).toHaveLength(2);
    expect(shaped.pdus[0].data_coding).toBe(0x03);
    expect(shaped.pdus[0].short_message).toHaveLength(6 + 153);
    expect(shaped.pdus[0].esm_class).toBe(0x40);
    const single = submitted(shapeSubmit(toUs('é'.repeat(160)), MTA, { now: NOW }));
    expect(single.pdus).toHaveLength(1);
  });

  it('holds scheduled messages and leaves validity to the engine', () => {
    const scheduleAt = new Date(NOW.getTime() + 60_000);
    expect(shapeSubmit({ ...toUs('Hi'), scheduleAt }, MTA, { now: NOW })).toMatchObject({
      kind: 'hold',
      holdUntil: scheduleAt,
    });
    const validUntil = new Date(NOW.getTime() + 60_000);
    const shaped = submitted(shapeSubmit({ ...toUs('Hi'), validUntil }, MTA, { now: NOW }));
    expect(shaped.pdus[0].validity_period).toBe('');
    expect(shaped.expiresAt).toEqual(validUntil);
    expect(shapeSubmit({ ...toUs('Hi'), validUntil }, MTA, { now: validUntil }).kind).toBe('expired');
  });

  it('decodes data_coding 0 of an MO as ASCII', () => {
    const mo = parseDeliver(deliverSm(Buffer.from('a@b', 'ascii'), { esmClass: 0 }), MTA);
    expect(mo.kind === 'mo' && mo.text).toBe('a@b');
  });
});
