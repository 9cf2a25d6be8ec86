import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AdminModule } from './admin.module';

/** The OpenAPI document of the admin API, built from the controllers' decorators (no CLI plugin). */
export function createAdminDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('SMS aggregator admin API')
    .setDescription(
      'Operator API: tenants, credentials, balances, tariffs, routing, providers, messages, CDRs. ' +
        'Authenticate with `Authorization: Bearer <key>` or `X-API-Key: <key>`. Money is a decimal string in ' +
        'major units of the account currency.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build();
  return SwaggerModule.createDocument(app, config, { include: [AdminModule] });
}

/** Serves Swagger UI at /docs and the document at /docs-json. */
export function serveAdminDocs(app: INestApplication): OpenAPIObject {
  const document = createAdminDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}
