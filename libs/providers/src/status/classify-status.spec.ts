import { CommandStatus } from '@app/smpp';
import { PROVIDER_PROFILES } from '../profiles';
import { classifyBindResp, classifySubmitResp, nextBindPlan } from './classify-status';

const { gatewayapi: GW, infobip: IB } = PROVIDER_PROFILES;

describe('classifySubmitResp with SMPP 3.4 defaults (smpp34.md §3)', () => {
  it('has a decision for every 3.4 status', () => {
    for (const [name, status] of Object.entries(CommandStatus)) {
      expect(classifySubmitResp(status, GW)).toMatchObject({ source: 'smpp34', statusName: name });
    }
  });

  it.each([
    [CommandStatus.ESME_ROK, { action: 'OK' }],
    [CommandStatus.ESME_RINVSRCADR, { action: 'REROUTE' }],
    [CommandStatus.ESME_RINVDSTADR, { action: 'FAIL' }],
    [CommandStatus.ESME_RMSGQFUL, { action: 'THROTTLE' }],
    [CommandStatus.ESME_RTHROTTLED, { action: 'THROTTLE' }],
    [CommandStatus.ESME_RSYSERR, { action: 'RETRY', retries: 1, then: 'REROUTE' }],
    [CommandStatus.ESME_RINVESMCLASS, { action: 'REROUTE', malformedPdu: true, alert: true }],
    [CommandStatus.ESME_RINVPASWD, { action: 'SESSION', alert: true }],
    [CommandStatus.ESME_RINVBNDSTS, { action: 'RETRY', rebind: true }],
    [CommandStatus.ESME_RX_P_APPN, { action: 'FAIL' }],
  ])('status %d', (status, expected) => {
    expect(classifySubmitResp(status, GW)).toMatchObject(expected);
  });

  it('retries once, then reroutes, a status nobody documents', () => {
    expect(classifySubmitResp(0x400, GW)).toMatchObject({
      action: 'RETRY',
      then: 'REROUTE',
      source: 'unlisted',
      statusName: 'UNKNOWN(0x00000400)',
    });
  });

  it('refuses a status that is not a 32-bit unsigned integer', () => {
    for (const status of [-1, 1.5, 2 ** 32, Number.NaN]) {
      expect(() => classifySubmitResp(status, GW)).toThrow(
        expect.objectContaining({ code: 'invalid-status' }),
      );
    }
  });

  it('lets a provider override name and decide the status its own way', () => {
    expect(classifySubmitResp(0x0c, GW)).toMatchObject({ action: 'FAIL', source: 'smpp34' });
    expect(classifySubmitResp(0x0c, IB)).toMatchObject({
      action: 'REROUTE',
      malformedPdu: true,
      source: 'provider',
    });
  });
});

describe('classifyBindResp', () => {
  it('stops on credential and configuration statuses; retries the rest after backoff', () => {
    expect(classifyBindResp(CommandStatus.ESME_ROK, GW).action).toBe('OK');
    expect(classifyBindResp(CommandStatus.ESME_RINVSYSID, GW)).toMatchObject({
      action: 'SESSION',
      mayBeBindType: false,
    });
    expect(classifyBindResp(CommandStatus.ESME_RBINDFAIL, GW)).toMatchObject({
      action: 'SESSION',
      mayBeBindType: true,
    });
    expect(classifyBindResp(CommandStatus.ESME_RSYSERR, GW)).toMatchObject({
      action: 'RETRY',
      source: 'unlisted',
    });
  });

  it('has no other bind plan for single-plan profiles', () => {
    expect(nextBindPlan(GW, 0, CommandStatus.ESME_RINVCMDID)).toBeUndefined();
  });
});
