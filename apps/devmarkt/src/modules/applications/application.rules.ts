import { numberApplicationData, type FailureError } from '../shared/failure.ts'

/** Discord embed limits: a stored application must fit in what the bot can post. */
export const MAX_APPLICATION_SIZE = 5800

export interface RuleQuestion {
  number: number
  question: string
  minAnswerLength: number
}

export interface RuleAnswer {
  number: number
  answer: string
}

/** Template name + every question text + every answer text, in UTF-16 code units. */
export function applicationSize(templateName: string, questions: readonly RuleQuestion[], answers: readonly RuleAnswer[]): number {
  let size = templateName.length
  for (const question of questions) size += question.question.length
  for (const answer of answers) size += answer.answer.length
  return size
}

export function sizeErrors(size: number): FailureError[] {
  return size > MAX_APPLICATION_SIZE ? [{ code: 'TOO_LARGE', data: { __typename: 'TooLargeErrorData', size } }] : []
}

/**
 * The per-answer checks shared by create and update, in the original's order. `questions` must be
 * sorted by number: an answer's number is used as a position in that list, while "answered" is
 * tracked by the number itself (the two agree for templates numbered 0..n-1).
 * Returns the errors and the numbers answered by valid answers.
 */
export function checkAnswers(questions: readonly RuleQuestion[], answers: readonly RuleAnswer[]): { errors: FailureError[]; answered: Set<number> } {
  const errors: FailureError[] = []
  const answered = new Set<number>()
  const reportedAmbiguous = new Set<number>()
  for (const { number, answer } of answers) {
    if (answered.has(number) && !reportedAmbiguous.has(number)) {
      reportedAmbiguous.add(number)
      errors.push({ code: 'AMBIGUOUS_ANSWER_NUMBER', data: numberApplicationData(number) })
      continue
    }
    // A third copy of a number already reported falls through to the checks below (the original does).
    const question = questions[number]
    if (question === undefined) {
      errors.push({ code: 'NO_QUESTION', data: numberApplicationData(number) })
      continue
    }
    if (answer.length < question.minAnswerLength) {
      errors.push({
        code: 'ANSWER_TOO_SHORT',
        data: { __typename: 'AnswerTooShortApplicationErrorData', answerLength: answer.length, minimumLength: question.minAnswerLength, number },
      })
      continue
    }
    answered.add(number)
  }
  return { errors, answered }
}

/** `createApplication`: size, then each answer, then every question left unanswered. */
export function validateNewApplication(templateName: string, questions: readonly RuleQuestion[], answers: readonly RuleAnswer[]): FailureError[] {
  const errors = sizeErrors(applicationSize(templateName, questions, answers))
  const checked = checkAnswers(questions, answers)
  errors.push(...checked.errors)
  for (const question of questions) {
    if (!checked.answered.has(question.number)) errors.push({ code: 'QUESTION_UNANSWERED', data: numberApplicationData(question.number) })
  }
  return errors
}

/**
 * `updateApplication`: the size of the application as it would be stored (Hearth applies the size
 * limit to updates too, in the same place as on create), then the per-answer checks; a partial
 * list is fine, so nothing is reported unanswered.
 */
export function validateAnswerUpdate(templateName: string, questions: readonly RuleQuestion[], stored: readonly RuleAnswer[], updated: readonly RuleAnswer[]): FailureError[] {
  const errors = sizeErrors(applicationSize(templateName, questions, mergeAnswers(stored, updated)))
  errors.push(...checkAnswers(questions, updated).errors)
  return errors
}

/** The stored answers with the updated texts written over them, by number. */
export function mergeAnswers(stored: readonly RuleAnswer[], updated: readonly RuleAnswer[]): RuleAnswer[] {
  const texts = new Map(stored.map((answer) => [answer.number, answer.answer]))
  for (const answer of updated) if (texts.has(answer.number)) texts.set(answer.number, answer.answer)
  return [...texts].map(([number, answer]) => ({ number, answer }))
}
