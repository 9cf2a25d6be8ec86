/** Routing data that cannot be loaded into a routing table (bad prefix, duplicate prefix, unknown deck, ...). */
export class RoutingDataError extends Error {
  override readonly name = 'RoutingDataError';
}

/** A route plan whose definition is invalid; `problems` lists every problem found. */
export class RoutePlanValidationError extends Error {
  override readonly name = 'RoutePlanValidationError';

  constructor(
    readonly planId: string,
    readonly problems: readonly string[],
  ) {
    super(`route plan ${planId} is invalid: ${problems.join('; ')}`);
  }
}

/** A routing request the caller built wrongly (not a routing outcome: those are `RoutingFailure` reasons). */
export class InvalidRoutingRequestError extends Error {
  override readonly name = 'InvalidRoutingRequestError';
}

/** One problem in a CSV file, with the 1-based line it was found on. */
export interface CsvRowError {
  readonly line: number;
  /** The CSV column concerned, when the problem is in one field. */
  readonly column?: string;
  readonly message: string;
}

/** A CSV import that applied nothing because the file had invalid rows (the first `errors`, of `totalErrors`). */
export class TariffImportError extends Error {
  override readonly name = 'TariffImportError';

  constructor(
    readonly errors: readonly CsvRowError[],
    readonly totalErrors: number,
  ) {
    const first = errors
      .slice(0, 3)
      .map((error) => `line ${error.line}: ${error.message}`)
      .join('; ');
    super(`CSV import rejected, nothing applied: ${totalErrors} error(s), first: ${first}`);
  }
}
