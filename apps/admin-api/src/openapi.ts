import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AdminModule, createAdminDocument } from '@app/admin';
import { ConfigModule, loadConfig } from '@app/config';

/** Stands in for the database: building the document instantiates the module, never queries. */
@Module({ providers: [{ provide: DataSource, useValue: {} }], exports: [DataSource] })
class NoDatabaseModule {}

/** The admin API's OpenAPI document as committed in docs/openapi.json (plain JSON data). */
export async function renderAdminOpenApi(): Promise<unknown> {
  const app = await NestFactory.create(
    {
      module: class OpenApiModule {},
      imports: [
        ConfigModule.forRoot(loadConfig({})),
        { module: NoDatabaseModule, global: true },
        AdminModule.forRoot(),
      ],
    },
    { logger: false },
  );
  try {
    return JSON.parse(JSON.stringify(createAdminDocument(app))) as unknown;
  } finally {
    await app.close();
  }
}
