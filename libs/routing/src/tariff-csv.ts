import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { CsvRowError } from './errors';
import { parseDecimalMicros, type DecimalProblem } from './micro-units';

/** A valid rate deck row: what a provider charges per segment for destinations starting with `prefix`. */
export interface RateDeckCsvRow {
  readonly line: number;
  readonly prefix: string;
  readonly costPerSegment: bigint;
  readonly country: string | null;
  readonly mcc: string | null;
  readonly mnc: string | null;
  readonly network: string | null;
}

/** A valid price plan row: what the tenant pays per segment for destinations starting with `prefix`. */
export interface PricePlanCsvRow {
  readonly line: number;
  readonly prefix: string;
  readonly pricePerSegment: bigint;
}

export interface TariffCsvOptions {
  /** How many errors to keep (all are counted). Default 100. */
  readonly maxErrors?: number;
}

interface ColumnSpec {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

const RATE_DECK_COLUMNS: ColumnSpec = {
  required: ['prefix', 'cost'],
  optional: ['country', 'mcc', 'mnc', 'network'],
};
const PRICE_PLAN_COLUMNS: ColumnSpec = { required: ['prefix', 'price'], optional: [] };

const PREFIX = /^[0-9]{1,15}$/;
const COUNTRY = /^[A-Za-z]{2}$/;
const MCC = /^[0-9]{3}$/;
const MNC = /^[0-9]{2,3}$/;
const MAX_NETWORK_LENGTH = 100;
const DEFAULT_MAX_ERRORS = 100;

const DECIMAL_PROBLEMS: Record<DecimalProblem, string> = {
  empty: 'is empty',
  negative: 'is negative',
  not_a_number: 'is not a decimal number such as 0.00375',
  too_many_decimals: 'has more than 6 decimals',
  too_large: 'is 1,000,000 or more',
};

/** Column name to its index in each record (-1 when the file does not have the column). */
type ColumnIndex = Readonly<Record<string, number>>;

interface RowContext {
  readonly record: readonly string[];
  readonly columns: ColumnIndex;
  readonly line: number;
  /** Records a problem with one field; the row is then not yielded. */
  report(column: string, message: string): void;
}

type RowReader<Row> = (context: RowContext) => Row;

/**
 * Streams and validates a rate deck or price plan CSV file (format in the README: a header row naming the columns,
 * then one row per prefix, rates as decimal major units). `rows()` yields the valid rows as they are parsed; the
 * problems are collected in `errors` (the first `maxErrors`) and counted in `totalErrors`, each with the 1-based
 * line its row starts on. Memory: the parser's buffer plus one number per distinct prefix, to find duplicates;
 * never the whole file. A CSV syntax error (an unclosed quote, say) stops the reading: nothing after it can be
 * trusted.
 */
export class TariffCsvReader<Row> {
  private readonly maxErrors: number;
  private readonly collected: CsvRowError[] = [];
  private errorCount = 0;
  private rowCount = 0;

  private constructor(
    private readonly spec: ColumnSpec,
    private readonly readRow: RowReader<Row>,
    options: TariffCsvOptions,
  ) {
    this.maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  }

  static rateDeck(options: TariffCsvOptions = {}): TariffCsvReader<RateDeckCsvRow> {
    return new TariffCsvReader(
      RATE_DECK_COLUMNS,
      (row) => ({
        line: row.line,
        prefix: field(row, 'prefix'),
        costPerSegment: readAmount(row, 'cost'),
        country:
          readOptional(
            row,
            'country',
            COUNTRY,
            'is not an ISO 3166-1 alpha-2 code (two letters)',
          )?.toUpperCase() ?? null,
        mcc: readOptional(row, 'mcc', MCC, 'must be 3 digits'),
        mnc: readOptional(row, 'mnc', MNC, 'must be 2 or 3 digits'),
        network: readNetwork(row),
      }),
      options,
    );
  }

  static pricePlan(options: TariffCsvOptions = {}): TariffCsvReader<PricePlanCsvRow> {
    return new TariffCsvReader(
      PRICE_PLAN_COLUMNS,
      (row) => ({ line: row.line, prefix: field(row, 'prefix'), pricePerSegment: readAmount(row, 'price') }),
      options,
    );
  }

  /** The first errors found (at most maxErrors), in line order. */
  get errors(): readonly CsvRowError[] {
    return this.collected;
  }

  get totalErrors(): number {
    return this.errorCount;
  }

  /** Valid rows yielded so far. */
  get validRows(): number {
    return this.rowCount;
  }

  async *rows(input: Readable): AsyncGenerator<Row, void, undefined> {
    // Line numbers are counted here rather than with the parser's `info` option, which costs more than the parse.
    // Empty lines are therefore kept (as one empty field) and skipped below.
    const parser = input.pipe(parse({ bom: true, trim: true, relax_column_count: true }));
    // Closing the parser when the consumer stops early (or on an error) also releases the input.
    input.on('error', (error: Error) => parser.destroy(error));
    let columns: ColumnIndex | undefined;
    let width = 0;
    let nextLine = 1;
    const firstLineOfPrefix = new Map<number, number>();
    const context = {
      record: [] as readonly string[],
      columns: {} as ColumnIndex,
      line: 0,
      valid: true,
      report: (column: string, message: string) => {
        context.valid = false;
        this.addError(context.line, column, message);
      },
    };
    try {
      for await (const chunk of parser) {
        const record = chunk as string[];
        const line = nextLine;
        nextLine += 1 + newlinesIn(record);
        if (record.length === 1 && record[0] === '') continue;
        if (columns === undefined) {
          columns = this.readHeader(record, line);
          if (columns === undefined) return;
          width = record.length;
          context.columns = columns;
          continue;
        }
        if (record.length !== width) {
          this.addError(line, undefined, `expected ${width} columns, found ${record.length}`);
          continue;
        }
        context.record = record;
        context.line = line;
        context.valid = true;
        const prefix = record[columns.prefix];
        if (!PREFIX.test(prefix)) {
          context.report('prefix', `prefix '${prefix}' must be 1 to 15 digits (no '+', spaces or letters)`);
        } else {
          // '1' + up to 15 digits stays below 2^53, so the key is exact and tells '4' from '04'.
          const key = Number(`1${prefix}`);
          const firstLine = firstLineOfPrefix.get(key);
          if (firstLine !== undefined)
            context.report('prefix', `duplicate prefix ${prefix} (first on line ${firstLine})`);
          else firstLineOfPrefix.set(key, line);
        }
        const row = this.readRow(context);
        if (context.valid) {
          this.rowCount++;
          yield row;
        }
      }
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      const line = (error as CsvError & { lines?: number }).lines ?? nextLine;
      this.addError(line, undefined, `CSV syntax error, the rest of the file was not read: ${error.message}`);
      return;
    } finally {
      parser.destroy();
    }
    if (columns === undefined) this.addError(1, undefined, 'the file is empty: expected a header row');
    else if (this.rowCount === 0 && this.errorCount === 0)
      this.addError(nextLine - 1, undefined, 'the file has no data rows');
  }

  private readHeader(record: readonly string[], line: number): ColumnIndex | undefined {
    const names = record.map((name) => name.toLowerCase());
    const known = [...this.spec.required, ...this.spec.optional];
    const problems: string[] = [];
    names.forEach((name, index) => {
      if (!known.includes(name)) problems.push(`unknown column '${record[index]}'`);
      else if (names.indexOf(name) !== index) problems.push(`column '${name}' appears twice`);
    });
    for (const name of this.spec.required) {
      if (!names.includes(name)) problems.push(`missing column '${name}'`);
    }
    if (problems.length === 0) return Object.fromEntries(known.map((name) => [name, names.indexOf(name)]));
    this.addError(line, undefined, `bad header (expected ${known.join(', ')}): ${problems.join('; ')}`);
    return undefined;
  }

  private addError(line: number, column: string | undefined, message: string): void {
    this.errorCount++;
    if (this.collected.length < this.maxErrors) {
      this.collected.push(column === undefined ? { line, message } : { line, column, message });
    }
  }
}

/** Line breaks inside quoted fields: the next record starts that many lines further down. */
function newlinesIn(record: readonly string[]): number {
  let count = 0;
  for (const value of record) {
    for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) count++;
  }
  return count;
}

/** The field of `column`, '' when the file does not have the column. */
function field(row: RowContext, column: string): string {
  const index = row.columns[column];
  return index === -1 ? '' : row.record[index];
}

function readAmount(row: RowContext, column: string): bigint {
  const text = field(row, column);
  const parsed = parseDecimalMicros(text);
  if (parsed.ok) return parsed.micros;
  row.report(column, `${column} '${text}' ${DECIMAL_PROBLEMS[parsed.problem]}`);
  return 0n;
}

function readOptional(row: RowContext, column: string, format: RegExp, problem: string): string | null {
  const text = field(row, column);
  if (text === '') return null;
  if (format.test(text)) return text;
  row.report(column, `${column} '${text}' ${problem}`);
  return null;
}

function readNetwork(row: RowContext): string | null {
  const text = field(row, 'network');
  if (text === '') return null;
  if (text.length <= MAX_NETWORK_LENGTH) return text;
  row.report('network', `network name is longer than ${MAX_NETWORK_LENGTH} characters`);
  return null;
}
