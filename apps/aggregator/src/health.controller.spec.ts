import { ServiceUnavailableException } from '@nestjs/common';
import type { DatabaseHealth, DatabaseHealthStatus } from '@app/database';
import { HealthController } from './health.controller';

function controllerWith(status: DatabaseHealthStatus): HealthController {
  const health = { check: () => Promise.resolve(status) } as unknown as DatabaseHealth;
  return new HealthController(health);
}

describe('HealthController', () => {
  it('reports liveness without touching the database', () => {
    expect(controllerWith({ up: false, error: 'down' }).health()).toEqual({ status: 'ok' });
  });

  it('is ready when the database answers', async () => {
    await expect(controllerWith({ up: true, latencyMs: 1.5 }).ready()).resolves.toEqual({
      status: 'ready',
      database: { up: true, latencyMs: 1.5 },
    });
  });

  it('answers 503 with the reason when the database does not', async () => {
    const error = await controllerWith({ up: false, error: 'connection refused' })
      .ready()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getResponse()).toEqual({
      status: 'unavailable',
      database: { up: false, error: 'connection refused' },
    });
  });
});
