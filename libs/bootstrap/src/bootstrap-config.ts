import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { MULTIPART_RECEIPT_MODES, type MultipartReceiptMode } from '@app/database';
import { parseDecimalMicros, parseRoutePlan, RoutePlanValidationError } from '@app/routing';
import { LineCounter, parseDocument } from 'yaml';

/** One tariff row: a destination prefix and its amount per segment in micro-units of the currency. */
export interface TariffRow {
  readonly prefix: string;
  readonly micros: bigint;
}

/** A tariff given inline (`rows`) or as a CSV file (`csv`, resolved against the configuration file's folder). */
export type TariffSource = { readonly rows: readonly TariffRow[] } | { readonly csvPath: string };

export interface BootstrapCredential {
  readonly systemId: string;
  readonly password: string;
  readonly allowedIps?: readonly string[];
  readonly maxBinds?: number;
  readonly tpsLimit?: number;
  readonly allowedSources?: readonly string[];
  readonly allowedDestinationPrefixes?: readonly string[];
}

export interface BootstrapRoutePlan {
  readonly prefix: string;
  readonly rank: number;
  readonly strategy: 'least_cost' | 'priority' | 'weighted';
  readonly providers: readonly unknown[];
  readonly allowProviders: readonly string[];
  readonly denyProviders: readonly string[];
}

export interface BootstrapTenant {
  readonly name: string;
  readonly currency: string;
  /** Micro-units; credited once per tenant (idempotency key `bootstrap-opening:<name>`). */
  readonly openingBalance: bigint;
  readonly creditLimit: bigint;
  readonly credentials: readonly BootstrapCredential[];
  readonly pricePlan?: TariffSource;
  readonly routePlans: readonly BootstrapRoutePlan[];
  readonly moNumbers: readonly string[];
  /** tenants.multipart_receipts; absent: left as it is (per_part for a new tenant). */
  readonly multipartReceipts?: MultipartReceiptMode;
}

export interface BootstrapProvider {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly hosts: readonly { host: string; port: number }[];
  readonly tls: boolean;
  readonly systemId?: string;
  /** Secret: never logged. */
  readonly password?: string;
  readonly sessions: number;
  readonly currency: string;
  readonly rateDeck?: TariffSource;
}

export interface BootstrapConfig {
  readonly providers: readonly BootstrapProvider[];
  readonly tenants: readonly BootstrapTenant[];
  /** The default price plan (every tenant without its own), in `defaultCurrency`. */
  readonly defaultPricePlan?: TariffSource & { readonly currency: string };
  /** Route plans for every tenant (after the tenant's own). */
  readonly routePlans: readonly BootstrapRoutePlan[];
}

export interface BootstrapIssue {
  /** Where in the file: `tenants[2].credentials[0].password`. */
  readonly path: string;
  readonly reason: string;
}

/** Every problem of a bootstrap configuration file at once, one `path: reason` per line. */
export class BootstrapConfigError extends Error {
  override readonly name = 'BootstrapConfigError';

  constructor(
    readonly source: string,
    readonly issues: readonly BootstrapIssue[],
  ) {
    super(
      `${source}: invalid bootstrap configuration\n${issues.map((i) => `  ${i.path}: ${i.reason}`).join('\n')}`,
    );
  }
}

type Node = Record<string, unknown>;

/** Reads one YAML mapping field by field, recording each problem with its path. */
class Reader {
  constructor(
    private readonly issues: BootstrapIssue[],
    readonly baseDir: string,
  ) {}

  problem(path: string, reason: string): undefined {
    this.issues.push({ path, reason });
    return undefined;
  }

  object(value: unknown, path: string, keys: readonly string[]): Node | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.problem(path === '' ? '(document)' : path, 'must be a mapping');
    }
    for (const key of Object.keys(value)) {
      if (!keys.includes(key))
        this.problem(join(path, key), `unknown key (expected one of ${keys.join(', ')})`);
    }
    return value as Node;
  }

  list<T>(node: Node, key: string, path: string, read: (item: unknown, path: string) => T | undefined): T[] {
    const value = node[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return this.problem(join(path, key), 'must be a list') ?? [];
    return value.flatMap((item, index) => {
      const read_ = read(item, `${join(path, key)}[${index}]`);
      return read_ === undefined ? [] : [read_];
    });
  }

  text(node: Node, key: string, path: string, pattern?: RegExp, what?: string): string | undefined {
    const value = node[key];
    if (value === undefined || value === null) return this.problem(join(path, key), 'required');
    if (typeof value !== 'string' && typeof value !== 'number')
      return this.problem(join(path, key), 'must be text');
    const text = String(value);
    if (pattern !== undefined && !pattern.test(text)) return this.problem(join(path, key), `must be ${what}`);
    return text;
  }

  optionalText(node: Node, key: string, path: string, pattern?: RegExp, what?: string): string | undefined {
    return node[key] === undefined || node[key] === null
      ? undefined
      : this.text(node, key, path, pattern, what);
  }

  integer(
    node: Node,
    key: string,
    path: string,
    min: number,
    max: number,
    fallback?: number,
  ): number | undefined {
    const value = node[key];
    if (value === undefined || value === null) {
      return fallback ?? this.problem(join(path, key), 'required');
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      return this.problem(join(path, key), `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  flag(node: Node, key: string, path: string, fallback: boolean): boolean {
    const value = node[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') return this.problem(join(path, key), 'must be true or false') ?? fallback;
    return value;
  }

  money(node: Node, key: string, path: string): bigint {
    const value = node[key];
    if (value === undefined || value === null) return 0n;
    if (typeof value !== 'string' && typeof value !== 'number') {
      return this.problem(join(path, key), 'must be a decimal amount') ?? 0n;
    }
    const parsed = parseDecimalMicros(String(value));
    if (!parsed.ok)
      return this.problem(join(path, key), `must be a decimal amount (${parsed.problem})`) ?? 0n;
    return parsed.micros;
  }

  strings(node: Node, key: string, path: string, pattern?: RegExp, what?: string): string[] | undefined {
    const value = node[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) return this.problem(join(path, key), 'must be a list');
    return value.flatMap((item, index) => {
      const text = typeof item === 'string' || typeof item === 'number' ? String(item) : undefined;
      if (text === undefined || (pattern !== undefined && !pattern.test(text))) {
        this.problem(
          `${join(path, key)}[${index}]`,
          pattern === undefined ? 'must be text' : `must be ${what}`,
        );
        return [];
      }
      return [text];
    });
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

const NAME = /^[\x21-\x7e][\x20-\x7e]{0,99}$/;
const MULTIPART_RECEIPTS = new RegExp(`^(${MULTIPART_RECEIPT_MODES.join('|')})$`);
const SYSTEM_ID = /^[\x21-\x7e]{1,15}$/;
const PASSWORD = /^[\x20-\x7e]{1,8}$/;
const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const CURRENCY = /^[A-Z]{3}$/;
const PREFIX = /^[0-9]{1,15}$/;
const NUMBER = /^[0-9]{1,20}$/;

function readTariff(
  reader: Reader,
  value: unknown,
  path: string,
  amountKey: 'cost' | 'price',
): TariffSource | undefined {
  const node = reader.object(value, path, ['rows', 'csv', 'currency']);
  if (node === undefined) return undefined;
  if ((node.rows === undefined) === (node.csv === undefined))
    return reader.problem(path, 'give exactly one of rows, csv');
  if (node.csv !== undefined) {
    const file = reader.text(node, 'csv', path);
    return file === undefined
      ? undefined
      : { csvPath: isAbsolute(file) ? file : resolve(reader.baseDir, file) };
  }
  const rows = reader.list(node, 'rows', path, (item, rowPath) => {
    const row = reader.object(item, rowPath, ['prefix', amountKey]);
    if (row === undefined) return undefined;
    const prefix = reader.text(row, 'prefix', rowPath, PREFIX, '1 to 15 digits');
    if (row[amountKey] === undefined) return reader.problem(join(rowPath, amountKey), 'required');
    const micros = reader.money(row, amountKey, rowPath);
    return prefix === undefined ? undefined : { prefix, micros };
  });
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (seen.has(row.prefix))
      reader.problem(`${path}.rows[${index}].prefix`, `duplicate prefix ${row.prefix}`);
    seen.add(row.prefix);
  });
  return { rows };
}

function readRoutePlan(reader: Reader, value: unknown, path: string): BootstrapRoutePlan | undefined {
  const node = reader.object(value, path, [
    'prefix',
    'rank',
    'strategy',
    'providers',
    'allowProviders',
    'denyProviders',
  ]);
  if (node === undefined) return undefined;
  const plan = {
    prefix: node.prefix === undefined || node.prefix === null ? '' : reader.text(node, 'prefix', path),
    rank: reader.integer(node, 'rank', path, 0, 1_000_000, 0) ?? 0,
    strategy: reader.text(
      node,
      'strategy',
      path,
      /^(least_cost|priority|weighted)$/,
      'least_cost, priority or weighted',
    ),
    providers: Array.isArray(node.providers) ? (node.providers as unknown[]) : [],
    allowProviders: reader.strings(node, 'allowProviders', path) ?? [],
    denyProviders: reader.strings(node, 'denyProviders', path) ?? [],
  };
  if (plan.strategy === undefined) return undefined;
  try {
    parseRoutePlan({
      id: path,
      tenantId: null,
      ...plan,
      filters: {},
      allowBelowCost: false,
      enabled: true,
    } as never);
  } catch (error) {
    if (!(error instanceof RoutePlanValidationError)) throw error;
    for (const problem of error.problems) reader.problem(path, problem);
    return undefined;
  }
  return plan as BootstrapRoutePlan;
}

function readTenant(reader: Reader, value: unknown, path: string): BootstrapTenant | undefined {
  const node = reader.object(value, path, [
    'name',
    'currency',
    'openingBalance',
    'creditLimit',
    'credentials',
    'pricePlan',
    'routePlans',
    'moNumbers',
    'multipartReceipts',
  ]);
  if (node === undefined) return undefined;
  const name = reader.text(node, 'name', path, NAME, 'printable ASCII, 1 to 100 characters');
  const multipartReceipts = reader.optionalText(
    node,
    'multipartReceipts',
    path,
    MULTIPART_RECEIPTS,
    MULTIPART_RECEIPT_MODES.join(' or '),
  ) as MultipartReceiptMode | undefined;
  const currency = reader.text(node, 'currency', path, CURRENCY, 'three capital letters (ISO 4217)');
  const credentials = reader.list(node, 'credentials', path, (item, credentialPath) => {
    const credential = reader.object(item, credentialPath, [
      'systemId',
      'password',
      'allowedIps',
      'maxBinds',
      'tpsLimit',
      'allowedSources',
      'allowedDestinationPrefixes',
    ]);
    if (credential === undefined) return undefined;
    const systemId = reader.text(
      credential,
      'systemId',
      credentialPath,
      SYSTEM_ID,
      '1 to 15 printable ASCII characters',
    );
    const password = reader.text(
      credential,
      'password',
      credentialPath,
      PASSWORD,
      '1 to 8 printable ASCII characters',
    );
    const optionalInteger = (key: string) =>
      credential[key] === undefined
        ? undefined
        : reader.integer(credential, key, credentialPath, 1, 1_000_000);
    const result = {
      systemId,
      password,
      allowedIps: reader.strings(credential, 'allowedIps', credentialPath),
      maxBinds: optionalInteger('maxBinds'),
      tpsLimit: optionalInteger('tpsLimit'),
      allowedSources: reader.strings(credential, 'allowedSources', credentialPath),
      allowedDestinationPrefixes: reader.strings(
        credential,
        'allowedDestinationPrefixes',
        credentialPath,
        PREFIX,
        '1 to 15 digits',
      ),
    };
    if (systemId === undefined || password === undefined) return undefined;
    return Object.fromEntries(
      Object.entries(result).filter(([, v]) => v !== undefined),
    ) as unknown as BootstrapCredential;
  });
  if (node.credentials === undefined) reader.problem(join(path, 'credentials'), 'required (at least one)');
  const pricePlan =
    node.pricePlan === undefined
      ? undefined
      : readTariff(reader, node.pricePlan, join(path, 'pricePlan'), 'price');
  const tenant = {
    name,
    currency,
    openingBalance: reader.money(node, 'openingBalance', path),
    creditLimit: reader.money(node, 'creditLimit', path),
    credentials,
    ...(pricePlan === undefined ? {} : { pricePlan }),
    routePlans: reader.list(node, 'routePlans', path, (item, planPath) =>
      readRoutePlan(reader, item, planPath),
    ),
    moNumbers: reader.strings(node, 'moNumbers', path, NUMBER, '1 to 20 digits') ?? [],
    ...(multipartReceipts === undefined ? {} : { multipartReceipts }),
  };
  return name === undefined || currency === undefined ? undefined : (tenant as BootstrapTenant);
}

function readProvider(reader: Reader, value: unknown, path: string): BootstrapProvider | undefined {
  const node = reader.object(value, path, [
    'id',
    'name',
    'enabled',
    'hosts',
    'tls',
    'systemId',
    'password',
    'sessions',
    'currency',
    'rateDeck',
  ]);
  if (node === undefined) return undefined;
  const id = reader.text(node, 'id', path, PROVIDER_ID, 'lower-case letters, digits, _ or -, up to 64');
  const hosts = reader.list(node, 'hosts', path, (item, hostPath) => {
    const host = reader.object(item, hostPath, ['host', 'port']);
    if (host === undefined) return undefined;
    const name = reader.text(host, 'host', hostPath);
    const port = reader.integer(host, 'port', hostPath, 1, 65_535);
    return name === undefined || port === undefined ? undefined : { host: name, port };
  });
  const currency = reader.text(node, 'currency', path, CURRENCY, 'three capital letters (ISO 4217)');
  const rateDeck =
    node.rateDeck === undefined
      ? undefined
      : readTariff(reader, node.rateDeck, join(path, 'rateDeck'), 'cost');
  const provider = {
    id,
    name: reader.optionalText(node, 'name', path, NAME, 'printable ASCII, 1 to 100 characters') ?? id,
    enabled: reader.flag(node, 'enabled', path, true),
    hosts,
    tls: reader.flag(node, 'tls', path, false),
    systemId: reader.optionalText(node, 'systemId', path, SYSTEM_ID, '1 to 15 printable ASCII characters'),
    password: reader.optionalText(node, 'password', path),
    sessions: reader.integer(node, 'sessions', path, 1, 64, 1),
    currency,
    ...(rateDeck === undefined ? {} : { rateDeck }),
  };
  return id === undefined || currency === undefined ? undefined : (provider as BootstrapProvider);
}

function duplicates(reader: Reader, items: readonly { key: string; path: string }[], what: string): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const first = seen.get(item.key);
    if (first !== undefined) reader.problem(item.path, `duplicate ${what} ${item.key} (first at ${first})`);
    else seen.set(item.key, item.path);
  }
}

/**
 * Parses and validates a bootstrap configuration (YAML text). Throws `BootstrapConfigError` with every problem,
 * each with its path (`tenants[2].credentials[0].password: required`). `source` names the file in the error;
 * relative CSV paths resolve against `baseDir`.
 */
export function parseBootstrapConfig(text: string, source: string, baseDir: string): BootstrapConfig {
  const issues: BootstrapIssue[] = [];
  const reader = new Reader(issues, baseDir);
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  for (const error of document.errors)
    issues.push({ path: `line ${lines.linePos(error.pos[0]).line}`, reason: error.message });
  if (issues.length > 0) throw new BootstrapConfigError(source, issues);
  const root = reader.object(document.toJS() ?? {}, '', [
    'providers',
    'tenants',
    'defaultPricePlan',
    'routePlans',
  ]);
  if (root === undefined) throw new BootstrapConfigError(source, issues);
  const providers = reader.list(root, 'providers', '', (item, path) => readProvider(reader, item, path));
  const tenants = reader.list(root, 'tenants', '', (item, path) => readTenant(reader, item, path));
  let defaultPricePlan: BootstrapConfig['defaultPricePlan'];
  if (root.defaultPricePlan !== undefined) {
    const tariff = readTariff(reader, root.defaultPricePlan, 'defaultPricePlan', 'price');
    const currency = reader.text(
      root.defaultPricePlan as Node,
      'currency',
      'defaultPricePlan',
      CURRENCY,
      'three capital letters (ISO 4217)',
    );
    if (tariff !== undefined && currency !== undefined) defaultPricePlan = { ...tariff, currency };
  }
  const routePlans = reader.list(root, 'routePlans', '', (item, path) => readRoutePlan(reader, item, path));

  duplicates(
    reader,
    providers.map((p, i) => ({ key: p.id, path: `providers[${i}].id` })),
    'provider id',
  );
  duplicates(
    reader,
    tenants.map((t, i) => ({ key: t.name, path: `tenants[${i}].name` })),
    'tenant name',
  );
  duplicates(
    reader,
    tenants.flatMap((t, i) =>
      t.credentials.map((c, j) => ({ key: c.systemId, path: `tenants[${i}].credentials[${j}].systemId` })),
    ),
    'system_id',
  );
  duplicates(
    reader,
    tenants.flatMap((t, i) => t.moNumbers.map((n, j) => ({ key: n, path: `tenants[${i}].moNumbers[${j}]` }))),
    'MO number',
  );
  const providerIds = new Set(providers.map((p) => p.id));
  const checkPlanProviders = (plans: readonly BootstrapRoutePlan[], path: string) =>
    plans.forEach((plan, index) => {
      for (const id of [...plan.allowProviders, ...plan.denyProviders, ...namedProviders(plan)]) {
        if (!providerIds.has(id)) reader.problem(`${path}[${index}]`, `unknown provider ${id}`);
      }
    });
  checkPlanProviders(routePlans, 'routePlans');
  tenants.forEach((tenant, index) => checkPlanProviders(tenant.routePlans, `tenants[${index}].routePlans`));
  for (const tariffPath of csvPaths(providers, tenants, defaultPricePlan)) {
    try {
      readFileSync(tariffPath.file, { flag: 'r' }).subarray(0, 0);
    } catch {
      reader.problem(tariffPath.path, `cannot read CSV file ${tariffPath.file}`);
    }
  }
  if (issues.length > 0) throw new BootstrapConfigError(source, issues);
  return { providers, tenants, ...(defaultPricePlan === undefined ? {} : { defaultPricePlan }), routePlans };
}

/** Provider ids a priority or weighted plan names. */
export function namedProviders(plan: BootstrapRoutePlan): string[] {
  return plan.providers.flatMap((entry) =>
    typeof entry === 'string'
      ? [entry]
      : typeof entry === 'object' && entry !== null && typeof (entry as Node).providerId === 'string'
        ? [(entry as Node).providerId as string]
        : [],
  );
}

function csvPaths(
  providers: readonly BootstrapProvider[],
  tenants: readonly BootstrapTenant[],
  defaultPricePlan: TariffSource | undefined,
): { path: string; file: string }[] {
  const out: { path: string; file: string }[] = [];
  const add = (source: TariffSource | undefined, path: string) => {
    if (source !== undefined && 'csvPath' in source) out.push({ path: `${path}.csv`, file: source.csvPath });
  };
  providers.forEach((p, i) => add(p.rateDeck, `providers[${i}].rateDeck`));
  tenants.forEach((t, i) => add(t.pricePlan, `tenants[${i}].pricePlan`));
  add(defaultPricePlan, 'defaultPricePlan');
  return out;
}
