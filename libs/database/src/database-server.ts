import { redactUrl, type AppConfig } from '@app/config';
import { EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres';

type ServerConfig = Pick<AppConfig, 'databaseUrl' | 'embeddedPgDir' | 'embeddedPgPort'>;

/** The PostgreSQL the product uses: the one at DATABASE_URL, or an embedded server started for this process. */
export class DatabaseServer {
  private constructor(
    readonly url: string,
    private readonly embedded: EmbeddedPostgres | undefined,
    private readonly dataDir: string,
  ) {}

  /** DATABASE_URL when set; otherwise starts (initializing on first use) the embedded server. */
  static async open(
    config: ServerConfig,
    log: Pick<EmbeddedPostgresOptions, 'onLog' | 'onNotice'> = {},
  ): Promise<DatabaseServer> {
    if (config.databaseUrl !== undefined) return new DatabaseServer(config.databaseUrl, undefined, '');
    const embedded = new EmbeddedPostgres({
      dataDir: config.embeddedPgDir,
      port: config.embeddedPgPort,
      ...log,
    });
    const url = await embedded.start();
    return new DatabaseServer(url, embedded, config.embeddedPgDir);
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  /** One line for the logs, without the password. */
  describe(): string {
    return this.embedded !== undefined
      ? `embedded PostgreSQL on 127.0.0.1:${this.embedded.port} (data ${this.dataDir}), ${redactUrl(this.url)}`
      : `PostgreSQL at ${redactUrl(this.url)} (DATABASE_URL)`;
  }

  /** Stops the embedded server, if this process started one; idempotent. */
  async close(): Promise<void> {
    await this.embedded?.stop();
  }
}
