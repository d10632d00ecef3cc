import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { staffCallerOf } from '../../auth/index.ts'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import type { SearchService } from './search.service.ts'
import { ExportPrivilegesBody, ExportPrivilegesResult, SearchProvidersBody, SearchProvidersResult } from './search.schemas.ts'

const CompactPath = Type.Object({ compact: Type.String({ minLength: 1, maxLength: 100 }) })
const security = [{ bearer: [] }]

/** §2.8 the search API: staff tokens holding the compact-level `{c}/readGeneral`. */
export function searchRoutes(app: FastifyInstance, service: SearchService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.post(
    '/v1/compacts/:compact/providers/search',
    {
      config: { permission: requires.readGeneral },
      schema: {
        tags: ['search'],
        operationId: 'searchProviders',
        summary: 'Search the compact’s providers with the restricted OpenSearch query DSL (general shape; from/size or sort + search_after)',
        security,
        params: CompactPath,
        body: SearchProvidersBody,
        response: { 200: SearchProvidersResult, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => service.search(staffCallerOf(request), request.params.compact, request.body),
  )

  routes.post(
    '/v1/compacts/:compact/privileges/export',
    {
      config: { permission: requires.readGeneral },
      schema: {
        tags: ['search'],
        operationId: 'exportPrivileges',
        summary: 'Export the privileges of the matching providers as CSV (a URL valid for 60 s); 10 000 matches or more → 400',
        security,
        params: CompactPath,
        body: ExportPrivilegesBody,
        response: { 200: ExportPrivilegesResult, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => service.export(staffCallerOf(request), request.params.compact, request.body),
  )

  routes.get(
    '/v1/compacts/:compact/privileges/export/:token',
    {
      // The URL itself is the credential (the original's presigned S3 URL): unguessable, valid for 60 s.
      config: { public: true },
      schema: {
        tags: ['search'],
        operationId: 'downloadPrivilegeExport',
        summary: 'The privilege export as text/csv (the fileUrl of POST …/privileges/export)',
        security: [],
        params: Type.Object({ compact: Type.String({ minLength: 1, maxLength: 100 }), token: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: Type.String({ description: 'text/csv' }), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      const lines = await service.download(request.params.compact, request.params.token)
      // A stream bypasses the response serializer; the 200 schema documents the text/csv body.
      const body: unknown = Readable.from(lines)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="export.csv"')
        .header('cache-control', 'no-store')
        .send(body as string)
    },
  )
}
