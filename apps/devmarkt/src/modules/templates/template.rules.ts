import { numberTemplateData, type FailureError } from '../shared/failure.ts'

export type UpdateAction = 'INSERT' | 'REPLACE' | 'DELETE' | 'APPEND'

export interface QuestionDraft {
  number: number
  question: string
  multiline: boolean
  minAnswerLength: number
}

export interface QuestionUpdate extends QuestionDraft {
  updateAction?: UpdateAction | null
}

/** One `AMBIGUOUS_NUMBER` per distinct number that appears more than once, ascending. */
export function ambiguousNumbers(questions: readonly { number: number }[]): FailureError[] {
  const seen = new Set<number>()
  const duplicated = new Set<number>()
  for (const { number } of questions) {
    if (seen.has(number)) duplicated.add(number)
    seen.add(number)
  }
  return [...duplicated].sort((a, b) => a - b).map((number) => ({ code: 'AMBIGUOUS_NUMBER', data: numberTemplateData(number) }))
}

/**
 * The original's template update: start from the current questions ordered by number, treat list
 * position as the question number, and apply each entry in input order. Entries without an action
 * are skipped, and so are non-APPEND entries whose number is past the end of the list.
 */
export function applyUpdateActions(current: readonly QuestionDraft[], updates: readonly QuestionUpdate[]): QuestionDraft[] {
  const list: QuestionDraft[] = [...current].sort((a, b) => a.number - b.number).map((question) => ({ ...question }))
  for (const update of updates) {
    const action = update.updateAction
    if (action === null || action === undefined) continue
    if (action !== 'APPEND' && update.number >= list.length) continue
    const supplied = { question: update.question, multiline: update.multiline, minAnswerLength: update.minAnswerLength }
    switch (action) {
      case 'APPEND':
        list.push({ ...supplied, number: list.length })
        break
      case 'REPLACE':
        list[update.number] = { ...supplied, number: update.number }
        break
      case 'DELETE':
        list.splice(update.number, 1)
        list.forEach((question, index) => (question.number = index))
        break
      case 'INSERT':
        for (let index = update.number; index < list.length; index++) list[index]!.number += 1
        list.splice(update.number, 0, { ...supplied, number: update.number })
        break
    }
  }
  return list
}
