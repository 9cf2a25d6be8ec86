import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootstrapConfigError, parseBootstrapConfig } from './bootstrap-config';

const EXAMPLE = join(__dirname, '..', '..', '..', 'config', 'example.yaml');

function issuesOf(text: string, baseDir = '/nonexistent'): string[] {
  try {
    parseBootstrapConfig(text, 'test.yaml', baseDir);
  } catch (error) {
    if (!(error instanceof BootstrapConfigError)) throw error;
    return error.issues.map((issue) => `${issue.path}: ${issue.reason}`);
  }
  throw new Error('expected a BootstrapConfigError');
}

describe('parseBootstrapConfig', () => {
  it('accepts config/example.yaml with exact money in micro-units', () => {
    const config = parseBootstrapConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE, join(EXAMPLE, '..'));
    expect(config.providers.map((provider) => provider.id)).toEqual(['infobip', 'gatewayapi']);
    expect(config.tenants[0]).toMatchObject({
      name: 'acme',
      openingBalance: 100_000_000n,
      credentials: [{ systemId: 'acme01', password: 'acmepass', tpsLimit: 50 }],
      pricePlan: { rows: [{ prefix: '44', micros: 40_000n }] },
      moNumbers: ['447700900123'],
      multipartReceipts: 'per_part',
    });
    expect(config.providers[0].rateDeck).toEqual({
      rows: [
        { prefix: '44', micros: 30_000n },
        { prefix: '447', micros: 25_000n },
      ],
    });
  });

  it('reports every error at once with its exact path and reason', () => {
    const issues = issuesOf(`
providers:
  - id: Bad Id
    currency: EUR
  - id: ok
    currency: eur
    sessions: 0
tenants:
  - name: a
    currency: EUR
    credentials: [{ systemId: a1, password: p }]
  - name: b
    currency: EUR
    openingBalance: '1.0000001'
    credentials: [{ systemId: a1, password: p }]
  - name: c
    currency: EUR
    credentials:
      - systemId: c1
    multipartReceipts: both
    routePlans:
      - { strategy: priority, providers: [nobody] }
    colour: blue
`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'providers[0].id: must be lower-case letters, digits, _ or -, up to 64',
        'providers[1].currency: must be three capital letters (ISO 4217)',
        'providers[1].sessions: must be an integer from 1 to 64',
        'tenants[1].openingBalance: must be a decimal amount (too_many_decimals)',
        'tenants[2].credentials[0].password: required',
        'tenants[2].colour: unknown key (expected one of name, currency, openingBalance, creditLimit, credentials, pricePlan, routePlans, moNumbers, multipartReceipts)',
        'tenants[1].credentials[0].systemId: duplicate system_id a1 (first at tenants[0].credentials[0].systemId)',
        'tenants[2].routePlans[0]: unknown provider nobody',
        'tenants[2].multipartReceipts: must be per_part or aggregated',
      ]),
    );
    expect(issues).toHaveLength(9);
  });

  it('rejects route plans the router would refuse, and tariffs with both or neither source', () => {
    const issues = issuesOf(`
providers: [{ id: p, currency: EUR, rateDeck: { rows: [{ prefix: '44', cost: '1' }], csv: x.csv } }]
defaultPricePlan: { currency: EUR }
routePlans:
  - { strategy: weighted, providers: [{ providerId: p, percent: 60 }] }
  - { strategy: least_cost, providers: [p] }
`);
    expect(issues).toContain('providers[0].rateDeck: give exactly one of rows, csv');
    expect(issues).toContain('defaultPricePlan: give exactly one of rows, csv');
    expect(issues.filter((issue) => issue.startsWith('routePlans[0]: '))).toHaveLength(1);
    expect(issues).toContain(
      'routePlans[1]: least_cost takes no provider list (use allowProviders/denyProviders)',
    );
  });

  it('resolves CSV paths against the file and reports a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootstrap-config-'));
    try {
      writeFileSync(join(dir, 'deck.csv'), 'prefix,cost\n44,0.01\n');
      const text = `providers:
  - { id: p, currency: EUR, rateDeck: { csv: deck.csv } }
  - { id: q, currency: EUR, rateDeck: { csv: missing.csv } }
`;
      expect(issuesOf(text, dir)).toEqual([
        `providers[1].rateDeck.csv: cannot read CSV file ${join(dir, 'missing.csv')}`,
      ]);
      const fixed = parseBootstrapConfig(text.split('\n').slice(0, 2).join('\n'), 'x', dir);
      expect(fixed.providers[0].rateDeck).toEqual({ csvPath: join(dir, 'deck.csv') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports YAML syntax errors and a non-mapping document', () => {
    expect(issuesOf('tenants: [\n')[0]).toMatch(/^line \d+: /);
    expect(issuesOf('- 1\n')).toEqual(['(document): must be a mapping']);
  });
});
