/** TEST-ONLY: the admin API as a Nest HTTP app on a test database, and a small JSON client for it. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AdminModule, serveAdminDocs, type RoutingChangeListener } from '@app/admin';
import { ConfigModule, loadConfig } from '@app/config';

/** The first admin key: the app creates it from ADMIN_BOOTSTRAP_KEY at start. */
export const TEST_ADMIN_KEY = 'bootstrap-key-for-tests-0123456789abcdef';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes
  text: string;
}

export interface AdminTestApp {
  readonly app: INestApplication;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** A JSON request with `Authorization: Bearer <key>` (none when key is undefined). */
  call(method: string, path: string, key: string | undefined, body?: unknown): Promise<Reply>;
  /** POSTs `csv` (a string, or a stream for a large file) as text/csv with the admin key. */
  postCsv(path: string, csv: string | ReadableStream<Uint8Array>): Promise<Reply>;
  close(): Promise<void>;
}

/**
 * The admin module over `dataSource` on 127.0.0.1 and a free port, with /docs; `routing` is told of routing
 * changes, as the all-in-one app's Router would be.
 */
export async function startAdminTestApp(
  dataSource: DataSource,
  routing?: RoutingChangeListener,
): Promise<AdminTestApp> {
  @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
  class TestDatabaseModule {}
  const app = await NestFactory.create(
    {
      module: class AdminTestApp {},
      imports: [
        ConfigModule.forRoot(loadConfig({ ADMIN_BOOTSTRAP_KEY: TEST_ADMIN_KEY })),
        { module: TestDatabaseModule, global: true },
        AdminModule.forRoot(routing === undefined ? {} : { routing }),
      ],
    },
    { logger: false },
  );
  serveAdminDocs(app);
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  const base = `http://127.0.0.1:${address.port}`;

  const reply = async (response: Response): Promise<Reply> => {
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  };

  return {
    app,
    base,
    call: async (method, path, key, body) => {
      const headers: Record<string, string> = {};
      if (key !== undefined) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return reply(
        await fetch(`${base}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    },
    postCsv: async (path, csv) =>
      reply(
        await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'text/csv' },
          body: csv,
          // Node's fetch needs this to send a stream body while the answer has not begun.
          ...(typeof csv === 'string' ? {} : { duplex: 'half' }),
        }),
      ),
    close: () => app.close(),
  };
}
