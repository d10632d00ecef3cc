import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { providerCallerOf, staffCallerOf } from '../../auth/index.ts'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import type { ProvidersService } from './providers.service.ts'
import { PrivilegeHistoryView, ProviderDetailView, ProviderQueryBody, ProviderQueryResult, SsnView } from './providers.schemas.ts'

const Segment = Type.String({ minLength: 1, maxLength: 100 })
const CompactPath = Type.Object({ compact: Segment })
const ProviderPath = Type.Object({ compact: Segment, providerId: Segment })
const HistoryPath = Type.Object({ compact: Segment, providerId: Segment, jurisdiction: Segment, licenseType: Segment })
const MyHistoryPath = Type.Object({ jurisdiction: Segment, licenseType: Segment })
const security = [{ bearer: [] }]

/** §2.6 staff provider reads, the SSN endpoint, §4.12 privilege history (three endpoints) and §2.2 `GET /v1/provider-users/me`. */
export function providerRoutes(app: FastifyInstance, service: ProvidersService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.post(
    '/v1/compacts/:compact/providers/query',
    {
      config: { permission: requires.readGeneral },
      schema: {
        tags: ['providers'],
        operationId: 'queryProviders',
        summary: 'Query providers by id, jurisdiction or name (general shape, paginated)',
        security,
        params: CompactPath,
        body: ProviderQueryBody,
        response: { 200: ProviderQueryResult, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => service.query(staffCallerOf(request), request.params.compact, request.body),
  )

  routes.get(
    '/v1/compacts/:compact/providers/:providerId',
    {
      config: { permission: requires.readGeneral },
      schema: {
        tags: ['providers'],
        operationId: 'getProvider',
        summary: 'A provider with licenses, privileges and military affiliations (private shape with readPrivate for the provider)',
        security,
        params: ProviderPath,
        response: { 200: ProviderDetailView, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => service.get(staffCallerOf(request), request.params.compact, request.params.providerId),
  )

  routes.get(
    '/v1/compacts/:compact/providers/:providerId/ssn',
    {
      config: { permission: requires.readSSN },
      schema: {
        tags: ['providers'],
        operationId: 'getProviderSsn',
        summary: "The provider's full SSN (readSSN for the provider; rate limited per user and globally)",
        security,
        params: ProviderPath,
        response: { 200: SsnView, ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request) => service.ssnOf(staffCallerOf(request), request.params.compact, request.params.providerId),
  )

  routes.get(
    '/v1/compacts/:compact/providers/:providerId/privileges/jurisdiction/:jurisdiction/licenseType/:licenseType/history',
    {
      config: { permission: requires.readGeneral },
      schema: {
        tags: ['providers'],
        operationId: 'getPrivilegeHistory',
        summary: "A privilege's history with NPDB categories",
        security,
        params: HistoryPath,
        response: { 200: PrivilegeHistoryView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { compact, providerId, jurisdiction, licenseType } = request.params
      return service.staffHistory(staffCallerOf(request), compact, providerId, jurisdiction, licenseType)
    },
  )

  routes.get(
    '/v1/public/compacts/:compact/providers/:providerId/jurisdiction/:jurisdiction/licenseType/:licenseType/history',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        operationId: 'getPublicPrivilegeHistory',
        summary: "A privilege's public history (no NPDB categories)",
        security: [],
        params: HistoryPath,
        response: { 200: PrivilegeHistoryView, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { compact, providerId, jurisdiction, licenseType } = request.params
      return service.publicHistory(compact, providerId, jurisdiction, licenseType)
    },
  )

  routes.get(
    '/v1/provider-users/me',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['provider-users'],
        operationId: 'getProviderUserMe',
        summary: "The practitioner's own record (private shape)",
        security,
        response: { 200: ProviderDetailView, ...errorResponses(401, 403, 500) },
      },
    },
    async (request) => service.me(providerCallerOf(request)),
  )

  routes.get(
    '/v1/provider-users/me/jurisdiction/:jurisdiction/licenseType/:licenseType/history',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['provider-users'],
        operationId: 'getMyPrivilegeHistory',
        summary: "The practitioner's privilege history",
        security,
        params: MyHistoryPath,
        response: { 200: PrivilegeHistoryView, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => service.myHistory(providerCallerOf(request), request.params.jurisdiction, request.params.licenseType),
  )
}
