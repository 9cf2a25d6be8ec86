import {
  AttemptOutcome,
  ContractValidationError,
  DlrEvent,
  MoEvent,
  parseContract,
  ProviderHealth,
  SendMessage,
} from './index';

const TENANT = '7d3f4c1e-2b1a-4c5d-9e8f-0a1b2c3d4e5f';

function sendMessageJson(): Record<string, unknown> {
  return {
    messageId: 'm-1',
    tenantId: TENANT,
    groupId: 'g-1',
    partNo: 1,
    partTotal: 2,
    providerId: 'infobip',
    source: { addr: 'ACME', ton: 5, npi: 0 },
    destination: { addr: '4915112345678', ton: 1, npi: 1 },
    dataCoding: 0,
    esmClass: 0x40,
    registeredDelivery: 1,
    bodyBase64: Buffer.from('hello').toString('base64'),
    tlvs: [{ tag: 0x0204, valueBase64: 'AAE=' }],
    validUntil: '2030-01-01T00:00:00.000Z',
    attempt: 1,
    plan: [
      { providerId: 'infobip', costMicros: '3750', priceMicros: '5000', currency: 'EUR' },
      { providerId: 'gatewayapi', costMicros: '4000', priceMicros: '5000', currency: 'EUR' },
    ],
  };
}

function violationsOf(run: () => unknown): Record<string, readonly string[]> {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ContractValidationError)) throw error;
    return Object.fromEntries(error.violations.map((v) => [v.path, v.reasons]));
  }
  throw new Error('expected a ContractValidationError');
}

describe('parseContract', () => {
  it('returns an instance with nested instances and dates from JSON text, surviving a JSON round trip', () => {
    const parsed = parseContract(SendMessage, JSON.stringify(sendMessageJson()));
    expect(parsed).toBeInstanceOf(SendMessage);
    expect(parsed.validUntil).toEqual(new Date('2030-01-01T00:00:00.000Z'));
    expect(parsed.plan[1]).toMatchObject({ providerId: 'gatewayapi', costMicros: '4000' });
    expect(BigInt(parsed.plan[0].costMicros)).toBe(3750n);
    expect(parseContract(SendMessage, JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it('lists every invalid field with its path, nested ones included', () => {
    const json = sendMessageJson();
    json.tenantId = 'not-a-uuid';
    json.dataCoding = 256;
    (json.destination as Record<string, unknown>).ton = -1;
    (json.plan as Record<string, unknown>[])[1].costMicros = '3.75';
    json.validUntil = 'tomorrow';
    const violations = violationsOf(() => parseContract(SendMessage, json));
    expect(Object.keys(violations).sort()).toEqual([
      'dataCoding',
      'destination.ton',
      'plan[1].costMicros',
      'tenantId',
      'validUntil',
    ]);
  });

  it('refuses unknown fields, missing fields, non-objects and bad JSON with a typed error', () => {
    const json = sendMessageJson();
    json.surprise = true;
    delete json.plan;
    const violations = violationsOf(() => parseContract(SendMessage, json));
    expect(Object.keys(violations).sort()).toEqual(['plan', 'surprise']);
    expect(violationsOf(() => parseContract(SendMessage, '[1]'))).toHaveProperty(['']);
    expect(violationsOf(() => parseContract(SendMessage, null))).toHaveProperty(['']);
    expect(violationsOf(() => parseContract(SendMessage, '{"a":'))['']?.[0]).toMatch(/^not JSON/);
  });

  it('checks the fields an attempt outcome needs for its kind', () => {
    const base = {
      messageId: 'm-1',
      providerId: 'labsmobile',
      attempt: 2,
      decidedAt: new Date().toISOString(),
    };
    expect(
      parseContract(AttemptOutcome, { ...base, kind: 'accepted', providerMessageIds: ['abc'] }).kind,
    ).toBe('accepted');
    expect(
      Object.keys(violationsOf(() => parseContract(AttemptOutcome, { ...base, kind: 'accepted' }))),
    ).toEqual(['providerMessageIds']);
    expect(
      Object.keys(violationsOf(() => parseContract(AttemptOutcome, { ...base, kind: 'failed' }))),
    ).toEqual(['reason']);
    expect(Object.keys(violationsOf(() => parseContract(AttemptOutcome, { ...base, kind: 'held' })))).toEqual(
      ['holdUntil'],
    );
    expect(Object.keys(violationsOf(() => parseContract(AttemptOutcome, { ...base, kind: 'lost' })))).toEqual(
      ['kind', 'reason'],
    );
  });

  it('parses DLR, MO and health events and refuses their invalid values', () => {
    const dlr = {
      eventId: 'infobip:abc:DELIVRD',
      messageId: 'm-1',
      tenantId: TENANT,
      providerId: 'infobip',
      state: 'delivered',
      final: true,
      err: '000',
      doneAt: '2025-01-01T00:00:00Z',
    };
    expect(parseContract(DlrEvent, dlr).doneAt).toEqual(new Date('2025-01-01T00:00:00Z'));
    expect(
      Object.keys(violationsOf(() => parseContract(DlrEvent, { ...dlr, state: 'DELIVRD', err: '7' }))),
    ).toEqual(['state', 'err']);
    const mo = {
      eventId: 'mo-1',
      tenantId: TENANT,
      providerId: 'gatewayapi',
      source: { addr: '4915112345678', ton: 1, npi: 1 },
      destination: { addr: '4930123', ton: 1, npi: 1 },
      dataCoding: 8,
      bodyBase64: '',
      tlvs: [],
      receivedAt: '2025-01-01T00:00:00Z',
    };
    expect(parseContract(MoEvent, mo).source.addr).toBe('4915112345678');
    expect(
      Object.keys(
        violationsOf(() => parseContract(MoEvent, { ...mo, tlvs: [{ tag: 70000, valueBase64: '' }] })),
      ),
    ).toEqual(['tlvs[0].tag']);
    const health = {
      providerId: 'mta',
      state: 'up',
      sessionsBound: 2,
      sessionsWanted: 2,
      at: '2025-01-01T00:00:00Z',
    };
    expect(parseContract(ProviderHealth, health).state).toBe('up');
    expect(
      Object.keys(violationsOf(() => parseContract(ProviderHealth, { ...health, providerId: 'Bad Id' }))),
    ).toEqual(['providerId']);
  });
});
