// `npm run tenant:create -- --name acme --system-id acme --password s3cret --balance 100.00 --currency EUR`
// Creates a tenant, its SMPP credential (scrypt hash; the password is never stored or printed when given) and its
// billing account with an opening balance, in one transaction, on DATABASE_URL or the embedded server. Without
// --password a random 8-character password is generated and printed once. --multipart-receipts aggregated gives the
// tenant one receipt per long message instead of one per part (set right after the creation transaction). Exit code
// 0: created; 1: refused.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runDatabaseScript } from '@app/database';
import { CredentialService } from '@app/gateway';
import { parseDecimalMicros } from '@app/routing';
import { BIND_TYPES, MULTIPART_RECEIPT_MODES, type BindType, type MultipartReceiptMode } from '@app/database';

const USAGE = `usage: npm run tenant:create -- --name NAME --system-id ID [--password PW] --balance 100.00 --currency EUR
  [--allow-long-password] [--allowed-ip CIDR]... [--max-binds N] [--bind-types transmitter,receiver,transceiver]
  [--tps N] [--allowed-source PATTERN]... [--allowed-prefix DIGITS]... [--credit-limit 0.00]
  [--multipart-receipts per_part|aggregated]`;

function fail(message: string): never {
  console.error(`tenant:create: ${message}\n${USAGE}`);
  process.exit(1);
}

function money(flag: string, text: string | undefined): bigint {
  if (text === undefined) return 0n;
  const parsed = parseDecimalMicros(text);
  if (!parsed.ok) fail(`--${flag} '${text}' is not an amount (${parsed.problem})`);
  return parsed.micros;
}

function positive(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) fail(`--${flag} must be a positive integer`);
  return value;
}

function bindTypes(text: string | undefined): BindType[] | undefined {
  if (text === undefined) return undefined;
  const types = text.split(',').map((type) => type.trim());
  for (const type of types) {
    if (!(BIND_TYPES as readonly string[]).includes(type)) fail(`unknown bind type '${type}'`);
  }
  return types as BindType[];
}

let args;
try {
  args = parseArgs({
    options: {
      name: { type: 'string' },
      'system-id': { type: 'string' },
      password: { type: 'string' },
      balance: { type: 'string' },
      currency: { type: 'string' },
      'credit-limit': { type: 'string' },
      'allow-long-password': { type: 'boolean' },
      'allowed-ip': { type: 'string', multiple: true },
      'max-binds': { type: 'string' },
      'bind-types': { type: 'string' },
      tps: { type: 'string' },
      'allowed-source': { type: 'string', multiple: true },
      'allowed-prefix': { type: 'string', multiple: true },
      'multipart-receipts': { type: 'string' },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const name = args.name ?? fail('--name is required');
const systemId = args['system-id'] ?? fail('--system-id is required');
const currency = (args.currency ?? fail('--currency is required')).toUpperCase();
const password = args.password ?? randomBytes(6).toString('base64url');
const generated = args.password === undefined ? password : undefined;
const maxBinds = positive('max-binds', args['max-binds']);
const tpsLimit = positive('tps', args.tps);
const allowedBindTypes = bindTypes(args['bind-types']);
const multipartReceipts = args['multipart-receipts'];
if (
  multipartReceipts !== undefined &&
  !(MULTIPART_RECEIPT_MODES as readonly string[]).includes(multipartReceipts)
) {
  fail(`--multipart-receipts must be ${MULTIPART_RECEIPT_MODES.join(' or ')}, got '${multipartReceipts}'`);
}

runDatabaseScript('tenant:create', async ({ dataSource }) => {
  const created = await new CredentialService(dataSource).createTenant({
    name,
    currency,
    balance: money('balance', args.balance),
    creditLimit: money('credit-limit', args['credit-limit']),
    credential: {
      systemId,
      password,
      allowLongPassword: args['allow-long-password'] ?? false,
      allowedIps: args['allowed-ip'] ?? [],
      allowedSources: args['allowed-source'] ?? [],
      allowedDestinationPrefixes: args['allowed-prefix'] ?? [],
      ...(maxBinds === undefined ? {} : { maxBinds }),
      ...(tpsLimit === undefined ? {} : { tpsLimit }),
      ...(allowedBindTypes === undefined ? {} : { allowedBindTypes }),
    },
  });
  if (multipartReceipts !== undefined) {
    await dataSource.query(`UPDATE tenants SET multipart_receipts = $2 WHERE id = $1`, [
      created.tenantId,
      multipartReceipts as MultipartReceiptMode,
    ]);
  }
  console.log(
    `created tenant '${name}' (${created.tenantId}), system_id '${systemId}', account ${created.account.id} ` +
      `balance ${args.balance ?? '0'} ${created.account.currency}`,
  );
  if (generated !== undefined) console.log(`generated password (shown once): ${generated}`);
  return 0;
});
