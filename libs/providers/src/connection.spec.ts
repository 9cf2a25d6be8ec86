import { createPdu, decodePdu, encodePdu, readFrame, tlvName, type DeliverSm } from '@app/smpp';
import { endpointsFor, reconnectDelays, registerProviderTlvs } from './connection';
import { NumberLookupTlv, parseNumberLookup } from './infobip/number-lookup';
import { PROVIDER_PROFILES } from './profiles';
import { tlvOf } from './testing/fixtures';

const { gatewayapi: GW, infobip: IB, labsmobile: LM } = PROVIDER_PROFILES;

describe('endpointsFor', () => {
  it('gives Infobip primary then secondary in plain, smpp2 over TLS', () => {
    expect(endpointsFor(IB).map((e) => `${e.host}:${e.port}`)).toEqual([
      'smpp3.infobip.com:8888',
      'smpp1.infobip.com:8888',
    ]);
    expect(endpointsFor(IB, { tls: true }).map((e) => `${e.host}:${e.port}`)).toEqual([
      'smpp2.infobip.com:8887',
    ]);
  });

  it('gives GatewayAPI both hosts, in the EU setup too', () => {
    expect(endpointsFor(GW, { region: 'eu', tls: true }).map((e) => e.host)).toEqual([
      'a.smpp.gatewayapi.eu',
      'b.smpp.gatewayapi.eu',
    ]);
    expect(GW.connection.endpointStrategy).toBe('spread');
    expect(() => endpointsFor(GW, { region: 'us' })).toThrow(RangeError);
  });
});

describe('reconnectDelays', () => {
  it('waits 30 s every time at GatewayAPI and jitters only downwards elsewhere', () => {
    expect(reconnectDelays(GW, 3, () => 0.9)).toEqual([30_000, 30_000, 30_000]);
    const jittered = reconnectDelays(LM, 8, () => 0.5);
    expect(jittered).toEqual([900, 1_800, 3_600, 7_200, 14_400, 28_800, 54_000, 54_000]);
  });
});

describe('registerProviderTlvs', () => {
  it('teaches the codec the vendor TLVs, idempotently', () => {
    registerProviderTlvs(IB);
    registerProviderTlvs(IB);
    registerProviderTlvs(GW);
    expect(tlvName(0x1494)).toBe('infobip_shorten_url');
    expect(tlvName(NumberLookupTlv.imsi)).toBe('infobip_imsi');
    expect(tlvName(0x2900)).toBe('gatewayapi_message_class');
  });

  it('lets a Number Lookup answer go through the codec and back', () => {
    registerProviderTlvs(IB);
    const pdu = createPdu('deliver_sm', {
      esm_class: 4,
      short_message: Buffer.from(
        'id:5 sub:001 dlvrd:001 submit date:1007291049 done date:1007291049 stat:DELIVRD err:000',
      ),
      tlvs: [tlvOf.text(NumberLookupTlv.mccMnc, '21910'), tlvOf.int32(NumberLookupTlv.pricePerMessage, 3)],
    });
    const decoded = decodePdu(readFrame(encodePdu(pdu))) as DeliverSm;
    expect(parseNumberLookup(decoded, IB)).toMatchObject({ mcc: '219', mnc: '10', priceHundredths: 3 });
  });
});
