import type { TenantCredentialEntity } from '@app/database';
import { buildSarTlvs, CommandStatus, createPdu } from '@app/smpp';
import { TenantPolicy } from '../auth/tenant-policy';
import { validateSubmit, type SubmitCheck } from './submit-validation';

const HOUR = 3_600_000;
const NOW = new Date('2030-06-01T12:00:00Z');
const LIMITS = { defaultValidityMs: 48 * HOUR, maxValidityMs: 168 * HOUR };

function policy(overrides: Partial<TenantCredentialEntity> = {}): TenantPolicy {
  return new TenantPolicy({
    id: 'cred',
    tenant_id: 'tenant',
    system_id: 'acme',
    tps_limit: 10,
    max_binds: 1,
    allowed_bind_types: ['transmitter'],
    allowed_sources: [],
    allowed_destination_prefixes: [],
    ...overrides,
  } as TenantCredentialEntity);
}

function submit(fields: Parameters<typeof createPdu<'submit_sm'>>[1] = {}): SubmitCheck {
  const pdu = createPdu('submit_sm', {
    source_addr: 'ACME',
    destination_addr: '+447700900001',
    short_message: Buffer.from('hello'),
    ...fields,
  });
  return validateSubmit(pdu, policy(), LIMITS, NOW);
}

function ok(check: SubmitCheck) {
  if (!check.ok) throw new Error(`refused: ${check.status} ${check.reason}`);
  return check.submit;
}

describe('validateSubmit', () => {
  it('normalises the destination, counts segments and keeps the text for the DLR', () => {
    const valid = ok(submit({ short_message: Buffer.from('x'.repeat(161)) }));
    expect(valid.destinationDigits).toBe('447700900001');
    expect(valid.segments).toBe(2);
    expect(valid.dlrText).toBe('x'.repeat(20));
    expect(valid.expiresAt).toEqual(new Date(NOW.getTime() + 48 * HOUR));
  });

  it('resolves relative schedule and validity times from now, validity counted from the schedule', () => {
    const valid = ok(
      submit({ schedule_delivery_time: '000000010000000R', validity_period: '000000020000000R' }),
    );
    expect(valid.scheduleAt).toEqual(new Date(NOW.getTime() + HOUR));
    expect(valid.expiresAt).toEqual(new Date(NOW.getTime() + 3 * HOUR));
    const tooLong = submit({ validity_period: '000100000000000R' });
    expect(tooLong).toMatchObject({ ok: false, status: CommandStatus.ESME_RINVEXPIRY });
  });

  it('treats SAR parts as one segment each and refuses incomplete SAR with ESME_RMISSINGOPTPARAM', () => {
    const part = ok(submit({ tlvs: buildSarTlvs({ reference: 513, total: 3, sequence: 2 }) }));
    expect(part.concat).toMatchObject({ reference: 513, total: 3, sequence: 2 });
    expect(part.segments).toBe(1);
    const incomplete = submit({ tlvs: buildSarTlvs({ reference: 1, total: 2, sequence: 1 }).slice(0, 2) });
    expect(incomplete).toMatchObject({ ok: false, status: CommandStatus.ESME_RMISSINGOPTPARAM });
  });

  it('takes the body of a data_sm from message_payload and keeps tenant TLVs', () => {
    const pdu = createPdu('data_sm', {
      source_addr: 'ACME',
      destination_addr: '447700900001',
      tlvs: [
        { tag: 0x0424, value: Buffer.from('payload text') },
        { tag: 0x0204, value: Buffer.from([0x01, 0x02]) },
      ],
    });
    const valid = ok(validateSubmit(pdu, policy(), LIMITS, NOW));
    expect(valid.octets.toString()).toBe('payload text');
    expect(valid.userMessageReference).toBe(0x0102);
    expect(valid.tlvs).toEqual([{ tag: 0x0204, hex: '0102' }]);
  });

  it('applies the credential source patterns and destination prefixes', () => {
    const restricted = policy({ allowed_sources: ['ACME*', '4420*'], allowed_destination_prefixes: ['44'] });
    const check = (source: string, destination: string): number | true => {
      const result = validateSubmit(
        createPdu('submit_sm', {
          source_addr: source,
          destination_addr: destination,
          short_message: Buffer.from('x'),
        }),
        restricted,
        LIMITS,
        NOW,
      );
      return result.ok ? true : result.status;
    };
    expect(check('ACME-alerts', '447700900001')).toBe(true);
    expect(check('442012345678', '447700900001')).toBe(true);
    expect(check('OTHER', '447700900001')).toBe(CommandStatus.ESME_RINVSRCADR);
    expect(check('ACME', '33612345678')).toBe(CommandStatus.ESME_RINVDSTADR);
  });
});
