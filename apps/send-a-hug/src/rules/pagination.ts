/** Page sizes of the original (spec §0.3, §4.10). */
export const PAGE_SIZE = { default: 5, filters: 10, notifications: 20, home: 10 } as const

/** Pages beyond this are treated as this one (an OFFSET that large only wastes the database's time). */
const LAST_ADDRESSABLE_PAGE = 1_000_000

/**
 * The `page` query parameter: 1-based; anything that is not a positive integer falls back to 1, as
 * the original did for non-numbers (it crashed on 0 and negatives; Hearth clamps them).
 */
export function pageNumber(raw: string | number | undefined): number {
  const text = typeof raw === 'number' ? String(raw) : (raw ?? '').trim()
  if (!/^[+]?\d+$/.test(text)) return 1
  const page = Number(text)
  if (page < 1) return 1
  return Math.min(page, LAST_ADDRESSABLE_PAGE)
}

export const offsetOf = (page: number, size: number) => (page - 1) * size

export const totalPages = (totalItems: number, size: number) => Math.ceil(totalItems / size)
