import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { callerOf } from '../../auth.ts'
import { requires } from '../../permissions.ts'
import { pageNumber } from '../../rules/pagination.ts'
import { authErrors, ClientDate, errorResponses, Id, LIMITS, Page, ReportView, Success, TextInput } from '../../schemas.ts'
import type { ReportsService } from './reports.service.ts'

const NullableId = Type.Optional(Type.Union([Id, Type.Null()]))

export function reportsRoutes(app: FastifyInstance, service: ReportsService): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const tags = ['reports']

  routes.get(
    '/reports',
    {
      schema: {
        tags,
        operationId: 'openReports',
        summary: 'Open user and post reports, oldest first, 5 per page each (E19)',
        querystring: Type.Object({ userPage: Page, postPage: Page }),
        response: {
          200: Type.Object({ success: Success, userReports: Type.Array(ReportView), totalUserPages: Type.Integer(), postReports: Type.Array(ReportView), totalPostPages: Type.Integer() }),
          ...authErrors,
        },
      },
      config: { permission: requires.readAdminBoard },
    },
    async (request) => ({ success: true as const, ...(await service.open(pageNumber(request.query.userPage), pageNumber(request.query.postPage))) }),
  )

  routes.post(
    '/reports',
    {
      schema: {
        tags,
        operationId: 'createReport',
        summary: 'Report a post or a user; a reported post is hidden until its reports are closed (E20)',
        body: Type.Object(
          {
            type: Type.String({ maxLength: LIMITS.reportType, description: '"Post" or "User" (any case)' }),
            userID: Type.Union([Id, Type.Null()]),
            postID: NullableId,
            reportReason: TextInput('1–120 characters'),
            date: ClientDate,
          },
          { description: 'Client-sent reporter, dismissed and closed are ignored' },
        ),
        response: { 200: Type.Object({ success: Success, report: ReportView }), ...authErrors, ...errorResponses(400, 404, 422) },
      },
      config: { permission: requires.postReport },
    },
    async (request) => ({ success: true as const, report: await service.create(callerOf(request), request.body) }),
  )

  routes.patch(
    '/reports/:report_id',
    {
      schema: {
        tags,
        operationId: 'settleReport',
        summary: 'Close or dismiss a report (E21)',
        params: Type.Object({ report_id: Id }),
        body: Type.Object({ closed: Type.Boolean(), dismissed: Type.Boolean(), userID: NullableId, postID: NullableId }),
        response: { 200: Type.Object({ success: Success, updated: ReportView }), ...authErrors, ...errorResponses(400, 404, 422) },
      },
      config: { permission: requires.readAdminBoard },
    },
    async (request) => ({ success: true as const, updated: await service.settle(request.params.report_id, request.body) }),
  )
}
