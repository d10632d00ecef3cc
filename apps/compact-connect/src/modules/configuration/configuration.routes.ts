import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { callerOf } from '../../auth/index.ts'
import { requires } from '../../permissions.ts'
import type { ConfigurationService } from './configuration.service.ts'
import {
  CompactConfigurationBody,
  CompactConfigurationView,
  CompactParam,
  CredentialsBody,
  errorResponses,
  JurisdictionConfigurationBody,
  JurisdictionConfigurationView,
  JurisdictionParam,
  LiveJurisdictionsView,
  MemberJurisdiction,
  Message,
} from './configuration.schemas.ts'

const CompactPath = Type.Object({ compact: CompactParam })
const JurisdictionPath = Type.Object({ compact: CompactParam, jurisdiction: JurisdictionParam })

/** §2.1 (live and member jurisdictions) and §2.5 (compact and jurisdiction configuration, credentials). */
export function configurationRoutes(app: FastifyInstance, service: ConfigurationService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.get(
    '/v1/public/jurisdictions/live',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        operationId: 'getLiveJurisdictions',
        summary: 'Live jurisdictions per compact (configured states with isLive), for one compact or all',
        security: [],
        querystring: Type.Object({ compact: Type.Optional(CompactParam) }),
        response: { 200: LiveJurisdictionsView, ...errorResponses(400) },
      },
    },
    async (request) => service.liveJurisdictions(request.query.compact),
  )

  routes.get(
    '/v1/public/compacts/:compact/jurisdictions',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        operationId: 'getPublicCompactJurisdictions',
        summary: "The compact's active member jurisdictions",
        security: [],
        params: CompactPath,
        response: { 200: Type.Array(MemberJurisdiction), ...errorResponses(400) },
      },
    },
    async (request) => service.memberJurisdictions(request.params.compact),
  )

  routes.get(
    '/v1/compacts/:compact/jurisdictions',
    {
      config: { permission: requires.readGeneral },
      schema: {
        tags: ['configuration'],
        operationId: 'getCompactJurisdictions',
        summary: "The compact's active member jurisdictions (any staff token with readGeneral)",
        params: CompactPath,
        response: { 200: Type.Array(MemberJurisdiction), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => service.memberJurisdictions(request.params.compact),
  )

  routes.get(
    '/v1/compacts/:compact',
    {
      config: { permission: requires.readGeneral },
      schema: {
        tags: ['configuration'],
        operationId: 'getCompactConfiguration',
        summary: 'Compact configuration (compact admins only); defaults when none is stored',
        params: CompactPath,
        response: { 200: CompactConfigurationView, ...errorResponses(401, 403) },
      },
    },
    async (request) => service.compactConfiguration(callerOf(request), request.params.compact),
  )

  routes.put(
    '/v1/compacts/:compact',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['configuration'],
        operationId: 'putCompactConfiguration',
        summary: 'Replace the compact configuration (compact admins only; rules of §4.13)',
        params: CompactPath,
        body: CompactConfigurationBody,
        response: { 200: Message, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      await service.putCompactConfiguration(callerOf(request), request.params.compact, request.body)
      return { message: 'ok' }
    },
  )

  routes.post(
    '/v1/compacts/:compact/credentials/payment-processor',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['configuration'],
        operationId: 'postPaymentProcessorCredentials',
        summary: 'Verify Authorize.Net credentials live and store them (compact admins only)',
        params: CompactPath,
        body: CredentialsBody,
        response: { 200: Message, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      await service.putPaymentCredentials(callerOf(request), request.params.compact, request.body)
      return { message: 'Successfully verified credentials' }
    },
  )

  routes.get(
    '/v1/compacts/:compact/jurisdictions/:jurisdiction',
    {
      config: { permission: requires.readGeneral },
      schema: {
        tags: ['configuration'],
        operationId: 'getJurisdictionConfiguration',
        summary: 'Jurisdiction configuration (state admins of that jurisdiction only); defaults when none is stored',
        params: JurisdictionPath,
        response: { 200: JurisdictionConfigurationView, ...errorResponses(401, 403) },
      },
    },
    async (request) => service.jurisdictionConfiguration(callerOf(request), request.params.compact, request.params.jurisdiction),
  )

  routes.put(
    '/v1/compacts/:compact/jurisdictions/:jurisdiction',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['configuration'],
        operationId: 'putJurisdictionConfiguration',
        summary: 'Replace the jurisdiction configuration (state admins of that jurisdiction only; rules of §4.13)',
        params: JurisdictionPath,
        body: JurisdictionConfigurationBody,
        response: { 200: Message, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      await service.putJurisdictionConfiguration(callerOf(request), request.params.compact, request.params.jurisdiction, request.body)
      return { message: 'ok' }
    },
  )
}
