import type { Database } from '@hearth/kernel'
import { conflict, notFound, validationError } from '../../errors.ts'
import { toFilterView } from '../../mappers.ts'
import { offsetOf, PAGE_SIZE, totalPages } from '../../rules/pagination.ts'
import type { FiltersRepository } from './filters.repository.ts'

/** Forbidden words (E22–E24): stored lower-cased, unique case-insensitively. */
export class FiltersService {
  constructor(
    private readonly database: Database,
    private readonly filters: FiltersRepository,
  ) {}

  async list(page: number) {
    const { rows, total } = await this.filters.page(this.database.db, PAGE_SIZE.filters, offsetOf(page, PAGE_SIZE.filters))
    return { words: rows.map(toFilterView), total_pages: totalPages(total, PAGE_SIZE.filters) }
  }

  async add(word: string) {
    const term = word.toLowerCase()
    if (term.trim() === '') throw validationError('Phrase to filter cannot be empty. Please add a phrase and try again.')
    return this.database.transaction(async (tx) => {
      if (await this.filters.findByTerm(tx, term)) throw conflict(`The phrase ${term} already exists in the filters list`)
      return toFilterView(await this.filters.create(tx, term))
    })
  }

  async remove(id: number) {
    const removed = await this.filters.delete(this.database.db, id)
    if (!removed) throw notFound()
    return toFilterView(removed)
  }
}
