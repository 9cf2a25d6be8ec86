// `npm run admin:key -- --role admin [--name NAME]` or `--role tenant --tenant-id UUID`, `--role readonly`.
// Creates an admin API key on DATABASE_URL or the embedded server and prints it once (only its SHA-256 is stored).
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ApiKeyService } from '@app/admin';
import { API_KEY_ROLES, runDatabaseScript, type ApiKeyRole } from '@app/database';

const USAGE = 'usage: npm run admin:key -- --role admin|readonly|tenant [--tenant-id UUID] [--name NAME]';

const { values } = parseArgs({
  options: { role: { type: 'string' }, 'tenant-id': { type: 'string' }, name: { type: 'string' } },
});
const role = values.role as ApiKeyRole | undefined;
if (
  role === undefined ||
  !API_KEY_ROLES.includes(role) ||
  (role === 'tenant') !== (values['tenant-id'] !== undefined)
) {
  console.error(`admin:key: ${USAGE}`);
  process.exit(1);
}

runDatabaseScript('admin:key', async ({ dataSource }) => {
  const created = await new ApiKeyService(dataSource).create(
    role,
    values.name ?? `${role} key`,
    values['tenant-id'] ?? null,
  );
  console.log(`id:  ${created.id}\nkey: ${created.key}\n(shown once; store it now)`);
  return 0;
});
