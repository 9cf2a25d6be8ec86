import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { DatabaseHealth, type DatabaseHealthStatus } from '@app/database';

@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseHealth) {}

  /** Liveness: the process serves HTTP. */
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers; 503 with the reason otherwise. */
  @Get('ready')
  async ready(): Promise<{ status: 'ready'; database: DatabaseHealthStatus }> {
    const database = await this.database.check();
    if (!database.up) throw new ServiceUnavailableException({ status: 'unavailable', database });
    return { status: 'ready', database };
  }
}
