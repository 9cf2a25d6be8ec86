// The DataSource of the TypeORM CLI (`npm run typeorm -- migration:generate libs/database/migrations/<Name>`,
// `migration:run`, `migration:revert`, ...). The CLI talks to an existing server, so DATABASE_URL must be set.
import { ConfigError, loadConfig } from '@app/config';
import { createDataSource } from './data-source.options';

const { databaseUrl } = loadConfig();
if (databaseUrl === undefined) {
  throw new ConfigError([
    {
      variable: 'DATABASE_URL',
      reason:
        'required by the TypeORM CLI (the app and `npm run migration:run` start the embedded server themselves)',
    },
  ]);
}

export default createDataSource(databaseUrl, { applicationName: 'typeorm-cli' });
