/** One invalid environment variable: its name and why its value was refused. */
export interface ConfigIssue {
  readonly variable: string;
  readonly reason: string;
}

/** Thrown by `loadConfig` when one or more variables are invalid; lists every problem, not only the first. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} ${issues.length === 1 ? 'variable' : 'variables'}):\n` +
        issues.map((issue) => `  ${issue.variable}: ${issue.reason}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Thrown by a value parser; `loadConfig` attaches the variable name. */
export class InvalidValueError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidValueError';
  }
}
