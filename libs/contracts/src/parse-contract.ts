import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** One field that failed validation: its dotted path (`attempts[1].costMicros`) and why. */
export interface ContractViolation {
  readonly path: string;
  readonly reasons: readonly string[];
}

/** A message that does not satisfy its contract; `violations` lists every invalid field. */
export class ContractValidationError extends Error {
  constructor(
    readonly contract: string,
    readonly violations: readonly ContractViolation[],
  ) {
    super(
      `invalid ${contract}: ${violations.map((v) => `${v.path || '(root)'}: ${v.reasons.join(', ')}`).join('; ')}`,
    );
    this.name = 'ContractValidationError';
  }
}

function childPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent === '' ? property : `${parent}.${property}`;
}

function flatten(errors: readonly ValidationError[], parent: string, into: ContractViolation[]): void {
  for (const error of errors) {
    const path = childPath(parent, error.property);
    if (error.constraints !== undefined) into.push({ path, reasons: Object.values(error.constraints) });
    if (error.children !== undefined) flatten(error.children, path, into);
  }
}

export type ContractClass<T extends object> = new () => T;

/**
 * Turns a decoded JSON value (or the JSON text) into an instance of `contract`, validating every field, nested ones
 * included. Unknown fields are refused, so a producer and a consumer that disagree about a contract fail loudly.
 */
export function parseContract<T extends object>(contract: ContractClass<T>, json: unknown): T {
  let value: unknown = json;
  if (typeof json === 'string' || Buffer.isBuffer(json)) {
    try {
      value = JSON.parse(json.toString()) as unknown;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ContractValidationError(contract.name, [{ path: '', reasons: [`not JSON: ${reason}`] }]);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContractValidationError(contract.name, [{ path: '', reasons: ['must be a JSON object'] }]);
  }
  const instance = plainToInstance(contract, value);
  const violations: ContractViolation[] = [];
  flatten(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }), '', violations);
  if (violations.length > 0) throw new ContractValidationError(contract.name, violations);
  return instance;
}
