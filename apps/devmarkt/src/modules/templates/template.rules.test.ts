import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ambiguousNumbers, applyUpdateActions, type QuestionDraft, type QuestionUpdate } from './template.rules.ts'

const draft = (number: number, question: string): QuestionDraft => ({ number, question, multiline: false, minAnswerLength: 1 })
const update = (updateAction: QuestionUpdate['updateAction'], number: number, question: string): QuestionUpdate => ({ ...draft(number, question), updateAction })
const texts = (list: QuestionDraft[]) => list.map((q) => `${q.number}:${q.question}`)
const devSearched = [draft(0, 'Who are we?'), draft(1, 'Why should you join us?'), draft(2, 'What programming languages…'), draft(3, 'Custom text:')]

describe('applyUpdateActions', () => {
  test('the worked example: INSERT@2, APPEND(10), DELETE@0, REPLACE@2', () => {
    const result = applyUpdateActions(devSearched, [update('INSERT', 2, 'Inserted'), update('APPEND', 10, 'Appended'), update('DELETE', 0, 'x'), update('REPLACE', 2, 'Replaced')])
    assert.deepEqual(texts(result), ['0:Why should you join us?', '1:Inserted', '2:Replaced', '3:Custom text:', '4:Appended'])
  })

  test('starts from the questions ordered by number and never changes its input', () => {
    const shuffled = [devSearched[2]!, devSearched[0]!, devSearched[3]!, devSearched[1]!]
    const before = JSON.stringify(shuffled)
    assert.deepEqual(texts(applyUpdateActions(shuffled, [])), texts(devSearched))
    applyUpdateActions(shuffled, [update('DELETE', 0, 'x')])
    assert.equal(JSON.stringify(shuffled), before)
  })

  test('skips entries without an action and non-APPEND entries past the end', () => {
    const result = applyUpdateActions(devSearched, [
      update(null, 0, 'no action'),
      update(undefined, 1, 'no action'),
      update('REPLACE', 4, 'past'),
      update('DELETE', 9, 'past'),
      update('INSERT', 4, 'past'),
    ])
    assert.deepEqual(texts(result), texts(devSearched))
  })

  test('APPEND ignores the supplied number; INSERT at 0 shifts everything; DELETE renumbers', () => {
    assert.deepEqual(texts(applyUpdateActions([], [update('APPEND', 7, 'first'), update('APPEND', 0, 'second')])), ['0:first', '1:second'])
    assert.deepEqual(texts(applyUpdateActions(devSearched.slice(0, 2), [update('INSERT', 0, 'new')])), ['0:new', '1:Who are we?', '2:Why should you join us?'])
    assert.deepEqual(texts(applyUpdateActions(devSearched, [update('DELETE', 1, 'x'), update('DELETE', 1, 'x')])), ['0:Who are we?', '1:Custom text:'])
  })

  test('REPLACE takes text, multiline and minimum length', () => {
    const [replaced] = applyUpdateActions([draft(0, 'old')], [{ number: 0, question: 'new', multiline: true, minAnswerLength: 44, updateAction: 'REPLACE' }])
    assert.deepEqual(replaced, { number: 0, question: 'new', multiline: true, minAnswerLength: 44 })
  })
})

describe('ambiguousNumbers', () => {
  test('one error per duplicated number, ascending', () => {
    assert.deepEqual(ambiguousNumbers([{ number: 5 }, { number: 2 }, { number: 5 }, { number: 2 }, { number: 5 }, { number: 0 }]), [
      { code: 'AMBIGUOUS_NUMBER', data: { __typename: 'NumberTemplateErrorData', number: 2 } },
      { code: 'AMBIGUOUS_NUMBER', data: { __typename: 'NumberTemplateErrorData', number: 5 } },
    ])
    assert.deepEqual(ambiguousNumbers([{ number: 0 }, { number: 1 }]), [])
  })
})
