import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type DatabaseHealthStatus = { up: true; latencyMs: number } | { up: false; error: string };

const PROBE_TIMEOUT_MS = 2_000;

/** Readiness probe: `SELECT 1` through the application pool, bounded by a timeout. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<DatabaseHealthStatus> {
    if (!this.dataSource.isInitialized) return { up: false, error: 'database connection is not initialized' };
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
        PROBE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return { up: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      return { up: false, error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
