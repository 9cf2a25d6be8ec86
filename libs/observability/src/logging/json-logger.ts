import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import { currentCorrelationId } from './correlation';
import { redact, redactString } from './redact';

export const ALL_LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export interface JsonLoggerOptions {
  /** Levels written; default all. */
  readonly levels?: readonly LogLevel[];
  /** Mask phone numbers and message text (LOG_REDACT). Default true. Secrets are masked regardless. */
  readonly redactPersonalData?: boolean;
  /** Where each line goes; default process.stdout. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

/** One log line as written by `JsonLogger`. */
export interface JsonLogLine {
  /** UTC, ISO 8601 with milliseconds. */
  readonly time: string;
  readonly level: LogLevel;
  readonly context?: string;
  readonly msg: string;
  readonly correlationId?: string;
  readonly fields?: Record<string, unknown>;
  readonly stack?: string;
}

/** Nest passes a Logger's context as the last string parameter, and an error's stack before it. */
const STACK_LINE = /\n\s+at /;

interface Parsed {
  msg: string;
  context?: string;
  stack?: string;
  fields: Record<string, unknown>;
}

function parse(level: LogLevel, message: unknown, params: unknown[]): Parsed {
  const rest = [...params];
  const parsed: Parsed = { msg: '', fields: {} };
  if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') parsed.context = rest.pop() as string;
  if (level === 'error' || level === 'fatal') {
    const stackIndex = rest.findIndex((param) => typeof param === 'string' && STACK_LINE.test(param));
    if (stackIndex >= 0) parsed.stack = rest.splice(stackIndex, 1)[0] as string;
  }
  if (message instanceof Error) {
    parsed.msg = message.message;
    parsed.stack ??= message.stack;
    parsed.fields.error = message;
  } else if (typeof message === 'string') {
    parsed.msg = message;
  } else if (message !== null && typeof message === 'object') {
    Object.assign(parsed.fields, message);
  } else {
    parsed.msg = String(message);
  }
  const extras: unknown[] = [];
  for (const param of rest) {
    if (param instanceof Error) parsed.fields.error = param;
    else if (param !== null && typeof param === 'object' && !Array.isArray(param))
      Object.assign(parsed.fields, param);
    else if (param !== undefined) extras.push(param);
  }
  if (extras.length > 0) parsed.fields.params = extras;
  return parsed;
}

/**
 * A Nest LoggerService writing one JSON object per line: time (UTC), level, context, msg, the correlation id of the
 * current async context (`withCorrelation`) or of a `correlationId` field, and the remaining fields, redacted.
 * Fields are passed as objects: `logger.log('submit accepted', { correlationId: id, tenant })`.
 */
export class JsonLogger implements LoggerService {
  private levels: ReadonlySet<LogLevel>;
  private readonly redactPersonalData: boolean;
  private readonly write: (line: string) => void;
  private readonly now: () => Date;

  constructor(options: JsonLoggerOptions = {}) {
    this.levels = new Set(options.levels ?? ALL_LOG_LEVELS);
    this.redactPersonalData = options.redactPersonalData ?? true;
    this.write = options.write ?? ((line) => process.stdout.write(line));
    this.now = options.now ?? (() => new Date());
  }

  log(message: unknown, ...params: unknown[]): void {
    this.emit('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.levels = new Set(levels);
  }

  /** The line `emit` writes, as an object (without the trailing newline). */
  format(level: LogLevel, message: unknown, params: unknown[]): JsonLogLine {
    const { msg, context, stack, fields } = parse(level, message, params);
    const explicit = fields.correlationId;
    delete fields.correlationId;
    const correlationId = typeof explicit === 'string' ? explicit : currentCorrelationId();
    const safeFields = redact(fields, { personalData: this.redactPersonalData }) as Record<string, unknown>;
    return {
      time: this.now().toISOString(),
      level,
      ...(context === undefined ? {} : { context }),
      msg: redactString(msg),
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(Object.keys(safeFields).length === 0 ? {} : { fields: safeFields }),
      ...(stack === undefined ? {} : { stack: redactString(stack) }),
    };
  }

  private emit(level: LogLevel, message: unknown, params: unknown[]): void {
    if (!this.levels.has(level)) return;
    this.write(`${JSON.stringify(this.format(level, message, params))}\n`);
  }
}

/**
 * Nest's coloured console lines (LOG_FORMAT=pretty) with the same redaction and the correlation id in front of the
 * message, for a developer's terminal.
 */
export class PrettyLogger extends ConsoleLogger {
  private readonly formatter: JsonLogger;

  constructor(options: { levels?: readonly LogLevel[]; redactPersonalData?: boolean } = {}) {
    super({ logLevels: [...(options.levels ?? ALL_LOG_LEVELS)] });
    this.formatter = new JsonLogger({
      redactPersonalData: options.redactPersonalData,
      write: () => undefined,
    });
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    const lines = messages.map((message) => {
      const line = this.formatter.format(logLevel ?? 'log', message, []);
      const prefix = line.correlationId === undefined ? '' : `[${line.correlationId}] `;
      return `${prefix}${line.msg}${line.fields === undefined ? '' : ` ${JSON.stringify(line.fields)}`}`;
    });
    super.printMessages(lines, context, logLevel, writeStreamType, errorStack);
  }
}

export interface AppLoggerSettings {
  readonly logFormat: 'json' | 'pretty';
  readonly logRedact: boolean;
  readonly levels: readonly LogLevel[];
}

/** The logger an app installs (`Logger.overrideLogger` and `app.useLogger`) from LOG_FORMAT and LOG_REDACT. */
export function createAppLogger(settings: AppLoggerSettings): LoggerService {
  return settings.logFormat === 'json'
    ? new JsonLogger({ levels: settings.levels, redactPersonalData: settings.logRedact })
    : new PrettyLogger({ levels: settings.levels, redactPersonalData: settings.logRedact });
}
