import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requires } from '../../permissions.ts'
import { pageNumber } from '../../rules/pagination.ts'
import { authErrors, errorResponses, FilterView, Id, LIMITS, Page, Success } from '../../schemas.ts'
import type { FiltersService } from './filters.service.ts'

export function filtersRoutes(app: FastifyInstance, service: FiltersService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['filters']

  routes.get(
    '/filters',
    {
      schema: {
        tags,
        operationId: 'listFilters',
        summary: 'Forbidden words, 10 per page, oldest first (E22)',
        querystring: Type.Object({ page: Page }),
        response: { 200: Type.Object({ success: Success, words: Type.Array(FilterView), total_pages: Type.Integer() }), ...authErrors },
      },
      config: { permission: requires.readAdminBoard },
    },
    async (request) => ({ success: true as const, ...(await service.list(pageNumber(request.query.page))) }),
  )

  routes.post(
    '/filters',
    {
      schema: {
        tags,
        operationId: 'addFilter',
        summary: 'Add a forbidden word or phrase, stored lower-cased (E23)',
        body: Type.Object({ word: Type.String({ maxLength: LIMITS.filterWord }) }),
        response: { 200: Type.Object({ success: Success, added: FilterView }), ...authErrors, ...errorResponses(400, 409) },
      },
      config: { permission: requires.readAdminBoard },
    },
    async (request) => ({ success: true as const, added: await service.add(request.body.word) }),
  )

  routes.delete(
    '/filters/:filter_id',
    {
      schema: {
        tags,
        operationId: 'deleteFilter',
        summary: 'Remove a forbidden word (E24)',
        params: Type.Object({ filter_id: Id }),
        response: { 200: Type.Object({ success: Success, deleted: FilterView }), ...authErrors, ...errorResponses(400, 404) },
      },
      config: { permission: requires.readAdminBoard },
    },
    async (request) => ({ success: true as const, deleted: await service.remove(request.params.filter_id) }),
  )
}
