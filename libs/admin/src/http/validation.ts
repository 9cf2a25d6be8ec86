import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
}

/** Thrown for invalid input; the body lists every problem as `field: reason`. */
export class InvalidInputException extends BadRequestException {
  constructor(readonly problems: readonly FieldProblem[]) {
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: problems.map((problem) => `${problem.field}: ${problem.reason}`),
      fields: problems,
    });
  }
}

export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent === '' ? error.property : `${parent}.${error.property}`;
    for (const reason of Object.values(error.constraints ?? {})) problems.push({ field, reason });
    problems.push(...flattenValidationErrors(error.children ?? [], field));
  }
  return problems;
}

/** Validates and transforms DTOs; unknown properties are refused so that a typo is not silently ignored. */
export function adminValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new InvalidInputException(flattenValidationErrors(errors)),
  });
}
