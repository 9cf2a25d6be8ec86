// `npm run openapi:write`: regenerates docs/openapi.json from the admin API's decorators (no database needed).
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { renderAdminOpenApi } from '../apps/admin-api/src/openapi';

renderAdminOpenApi()
  .then(async (document) => {
    const path = join(__dirname, '..', 'docs', 'openapi.json');
    writeFileSync(
      path,
      await format(JSON.stringify(document), { ...(await resolveConfig(path)), filepath: path }),
    );
    console.log(`wrote ${path}`);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
