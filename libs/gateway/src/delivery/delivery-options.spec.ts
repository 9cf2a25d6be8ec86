import { loadConfig } from '@app/config';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { DeliveryConfigError } from './delivery.errors';
import { DeliveryService, deliveryOptionsFromConfig, type DeliveryOptions } from './delivery.service';
import { retryDelayMs } from './tenant-delivery-loop';

describe('retryDelayMs', () => {
  it('doubles from the minimum per attempt and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempts) => retryDelayMs(attempts, 5_000, 60_000))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000, 60_000,
    ]);
    expect(retryDelayMs(10_000, 5_000, 600_000)).toBe(600_000);
  });
});

describe('delivery options', () => {
  const unusedDataSource = {} as DataSource;
  const defaults = deliveryOptionsFromConfig(loadConfig({}));

  it('come from the config keys: 48 h retention, 5 s to 10 min backoff, window 10, 60 s lease, 5 s poll', () => {
    expect(defaults).toEqual({
      retentionMs: 48 * 3_600_000,
      retryMinMs: 5_000,
      retryMaxMs: 600_000,
      windowPerSession: 10,
      leaseMs: 60_000,
      pollMs: 5_000,
    });
  });

  it('refuse a lease that does not outlast the response timer', () => {
    expect(() =>
      deliveryOptionsFromConfig(
        loadConfig({ DELIVERY_LEASE_MS: '30000', SMPP_RESPONSE_TIMEOUT_MS: '30000' }),
      ),
    ).toThrow(DeliveryConfigError);
  });

  it('refuse contradictions with DeliveryConfigError', () => {
    const bad: Array<Partial<DeliveryOptions>> = [
      { retryMinMs: 700_000 },
      { pollMs: 60_000 },
      { windowPerSession: 0 },
      { retentionMs: 1.5 },
    ];
    for (const change of bad) {
      expect(
        () => new DeliveryService(unusedDataSource, { ...defaults, ...change, registry: new Registry() }),
      ).toThrow(DeliveryConfigError);
    }
    expect(
      () => new DeliveryService(unusedDataSource, { ...defaults, registry: new Registry() }),
    ).not.toThrow();
  });
});
