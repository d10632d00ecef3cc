import { LIMITS } from '../limits.ts'

/**
 * The forbidden-words check (spec §4.1): lower-case the text and report every filter entry that
 * occurs in it as a substring — no word boundaries, so "hi" matches "this" — in filter-table order.
 */
export function forbiddenTermsIn(text: string, filters: readonly string[]): string[] {
  const lowered = text.toLowerCase()
  return filters.filter((term) => term.length > 0 && lowered.includes(term))
}

export type TextKind = 'post' | 'message'

const limits: Record<TextKind, { max: number; noun: string }> = {
  post: { max: LIMITS.postText, noun: 'Post' },
  message: { max: LIMITS.messageText, noun: 'Message' },
}

/**
 * Why a post or message text is refused, or undefined when it is fine. Order as the original: the
 * word filter first, then the length.
 */
export function textProblem(text: string, kind: TextKind, filters: readonly string[]): string | undefined {
  const hits = forbiddenTermsIn(text, filters)
  const { max, noun } = limits[kind]
  if (hits.length > 0) {
    return `Your ${kind} contains ${hits.length} forbidden term${hits.length === 1 ? '' : 's'}. The following word${hits.length === 1 ? ' is' : 's are'} not allowed: ${hits.join(',')}. Please fix your ${kind} and try again.`
  }
  if (text.length > max) return `${noun} text cannot be over ${max} characters! Please shorten the ${kind} and try again.`
  if (text.length === 0) return `${noun} text cannot be empty. Please write something and try again.`
  return undefined
}
