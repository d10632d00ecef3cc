import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { applicationSize, checkAnswers, MAX_APPLICATION_SIZE, mergeAnswers, validateAnswerUpdate, validateNewApplication, type RuleQuestion } from './application.rules.ts'

const questions: RuleQuestion[] = [
  { number: 0, question: 'Who am I?', minAnswerLength: 1 },
  { number: 1, question: 'Languages?', minAnswerLength: 1 },
  { number: 2, question: 'Why me?', minAnswerLength: 10 },
]
const a = (number: number, answer: string) => ({ number, answer })
const codes = (errors: { code: string; data: unknown }[]) =>
  errors.map((error) => `${error.code}${error.data && 'number' in (error.data as object) ? `:${(error.data as { number: number }).number}` : ''}`)

describe('applicationSize', () => {
  test('name + questions + answers in UTF-16 code units', () => {
    assert.equal(applicationSize('abc', questions, [a(0, '😀')]), 3 + 9 + 10 + 7 + 2)
  })
})

describe('validateNewApplication', () => {
  test('a complete, long-enough set of answers passes', () => {
    assert.deepEqual(validateNewApplication('T', questions, [a(0, 'me'), a(1, 'TS'), a(2, '0123456789')]), [])
  })

  test('order: TOO_LARGE, then each answer in input order, then unanswered questions', () => {
    const errors = validateNewApplication('T', questions, [a(2, 'short'), a(5, 'x'), a(0, 'x'.repeat(MAX_APPLICATION_SIZE)), a(0, 'again')])
    assert.deepEqual(codes(errors), ['TOO_LARGE', 'ANSWER_TOO_SHORT:2', 'NO_QUESTION:5', 'AMBIGUOUS_ANSWER_NUMBER:0', 'QUESTION_UNANSWERED:1', 'QUESTION_UNANSWERED:2'])
    assert.deepEqual(errors[1]!.data, { __typename: 'AnswerTooShortApplicationErrorData', answerLength: 5, minimumLength: 10, number: 2 })
  })

  test('the size limit is inclusive', () => {
    const fill = MAX_APPLICATION_SIZE - applicationSize('T', questions, [a(0, ''), a(1, 'x'), a(2, '')])
    assert.deepEqual(validateNewApplication('T', questions, [a(0, 'x'.repeat(fill - 10)), a(1, 'x'), a(2, '0123456789')]), [])
    assert.deepEqual(codes(validateNewApplication('T', questions, [a(0, 'x'.repeat(fill - 9)), a(1, 'x'), a(2, '0123456789')])), ['TOO_LARGE'])
  })

  test('a template without questions takes no answers', () => {
    assert.deepEqual(validateNewApplication('Empty', [], []), [])
    assert.deepEqual(codes(validateNewApplication('Empty', [], [a(0, 'x')])), ['NO_QUESTION:0'])
  })
})

describe('checkAnswers', () => {
  test('AMBIGUOUS once per number; a third copy falls through to the other checks', () => {
    assert.deepEqual(codes(checkAnswers(questions, [a(0, 'x'), a(0, 'y'), a(0, '')]).errors), ['AMBIGUOUS_ANSWER_NUMBER:0', 'ANSWER_TOO_SHORT:0'])
  })

  test('an answer is matched to the question at that position, and answered by number', () => {
    const gapped: RuleQuestion[] = [{ number: 1, question: 'only', minAnswerLength: 1 }]
    // The original's quirk: position 0 is question number 1, so number 0 is "valid" yet question 1 stays unanswered.
    assert.deepEqual(codes(validateNewApplication('T', gapped, [a(0, 'x')])), ['QUESTION_UNANSWERED:1'])
    assert.deepEqual(codes(validateNewApplication('T', gapped, [a(1, 'x')])), ['NO_QUESTION:1', 'QUESTION_UNANSWERED:1'])
  })
})

describe('validateAnswerUpdate', () => {
  const stored = [a(0, 'me'), a(1, 'TS'), a(2, '0123456789')]
  test('a partial list is fine; nothing is reported unanswered', () => {
    assert.deepEqual(validateAnswerUpdate('T', questions, stored, [a(1, 'Kotlin')]), [])
  })

  test('checks each answer, and the size of the application as it would be stored', () => {
    assert.deepEqual(codes(validateAnswerUpdate('T', questions, stored, [a(2, 'short'), a(3, 'x')])), ['ANSWER_TOO_SHORT:2', 'NO_QUESTION:3'])
    assert.deepEqual(codes(validateAnswerUpdate('T', questions, stored, [a(0, 'x'.repeat(MAX_APPLICATION_SIZE))])), ['TOO_LARGE'])
  })

  test('mergeAnswers writes updated texts over stored ones by number and adds none', () => {
    assert.deepEqual(mergeAnswers(stored, [a(1, 'Go'), a(7, 'ignored')]), [a(0, 'me'), a(1, 'Go'), a(2, '0123456789')])
  })
})
