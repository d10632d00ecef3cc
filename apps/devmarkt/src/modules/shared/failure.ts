/**
 * Domain failures are values, not GraphQL errors: a resolver returns `Failure { errors }` in the
 * `…Response` unions. Codes and data shapes are the original's wire contract.
 */
export type FailureData =
  | { __typename: 'NumberTemplateErrorData'; number: number }
  | { __typename: 'NumberApplicationErrorData'; number: number }
  | { __typename: 'AnswerTooShortApplicationErrorData'; answerLength: number; minimumLength: number; number: number }
  | { __typename: 'TooLargeErrorData'; size: number }

export type FailureCode =
  // templates
  | 'NOT_FOUND'
  | 'DUPLICATED'
  | 'AMBIGUOUS_NUMBER'
  // applications
  | 'HAS_UNPROCESSED_APPLICATION'
  | 'TEMPLATE_NOT_FOUND'
  | 'AMBIGUOUS_ANSWER_NUMBER'
  | 'NO_QUESTION'
  | 'ANSWER_TOO_SHORT'
  | 'ALREADY_ACCEPTED'
  | 'QUESTION_UNANSWERED'
  | 'TOO_LARGE'
  // users
  | 'ADMIN_USER_CANT_BE_MODIFIED'
  /** Hearth: the user type `internal` is reserved (the original's README promised it; its code did not). */
  | 'RESERVED_USER_TYPE'

export interface FailureError {
  code: FailureCode
  data: FailureData | null
}

export class Failure {
  readonly __typename = 'Failure'
  constructor(readonly errors: FailureError[]) {}
}

export const failure = (code: FailureCode, data: FailureData | null = null) => new Failure([{ code, data }])

export const numberTemplateData = (number: number): FailureData => ({ __typename: 'NumberTemplateErrorData', number })
export const numberApplicationData = (number: number): FailureData => ({ __typename: 'NumberApplicationErrorData', number })

export const isFailure = (value: unknown): value is Failure => value instanceof Failure
