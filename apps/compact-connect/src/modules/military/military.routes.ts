import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import multipart from '@fastify/multipart'
import { Type } from 'typebox'
import { providerCallerOf, staffCallerOf } from '../../auth/index.ts'
import { MILITARY_DOCUMENT_MAX_BYTES } from '../../domain/enforcement.ts'
import { CompactConnectError, badRequest } from '../../errors.ts'
import { requires } from '../../permissions.ts'
import { errorResponses } from '../configuration/configuration.schemas.ts'
import { OkMessage } from '../encumbrances/encumbrances.schemas.ts'
import type { MilitaryService } from './military.service.ts'
import { MilitaryAffiliationBody, MilitaryAffiliationCreated, MilitaryAffiliationPatchBody, MilitaryAuditBody } from './military.schemas.ts'

const security = [{ bearer: [] }]

/** §2.2 military affiliation routes, the document upload endpoint (the presigned S3 POST's role), §2.6 military audit. */
export async function militaryRoutes(app: FastifyInstance, service: MilitaryService): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  routes.post(
    '/v1/provider-users/me/military-affiliation',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['provider-users'],
        operationId: 'postMilitaryAffiliation',
        summary: 'Declare a military affiliation; answers one signed upload form per document (pdf, jpg, jpeg, png, docx; ≤ 10 MB; 10 minutes)',
        security,
        body: MilitaryAffiliationBody,
        response: { 200: MilitaryAffiliationCreated, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => service.create(providerCallerOf(request), request.body),
  )

  routes.patch(
    '/v1/provider-users/me/military-affiliation',
    {
      config: { permission: requires.provider },
      schema: {
        tags: ['provider-users'],
        operationId: 'patchMilitaryAffiliation',
        summary: 'End the military affiliation (`{"status": "inactive"}`)',
        security,
        body: MilitaryAffiliationPatchBody,
        response: { 200: OkMessage, ...errorResponses(400, 401, 500) },
      },
    },
    async (request) => {
      await service.end(providerCallerOf(request), request.body.status)
      return { message: 'Military affiliation updated successfully' }
    },
  )

  routes.patch(
    '/v1/compacts/:compact/providers/:providerId/militaryAudit',
    {
      config: { permission: requires.admin },
      schema: {
        tags: ['providers'],
        operationId: 'militaryAudit',
        summary: "Approve or decline a provider's military documents (compact admin)",
        security,
        params: Type.Object({ compact: Type.String({ minLength: 1, maxLength: 20 }), providerId: Type.String({ minLength: 1, maxLength: 100 }) }),
        body: MilitaryAuditBody,
        response: { 200: OkMessage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await service.audit(staffCallerOf(request), request.params.compact, request.params.providerId, request.body)
      return { message: 'OK' }
    },
  )

  // Compact admins' download links (`downloadLinks` in provider reads) stand in for presigned S3 GETs.
  routes.get(
    '/v1/military-affiliation-documents',
    {
      config: { public: true },
      schema: {
        tags: ['providers'],
        operationId: 'downloadMilitaryAffiliationDocument',
        summary: 'A military document through a signed two-hour link from a compact admin’s provider read',
        querystring: Type.Object({
          key: Type.String({ minLength: 1, maxLength: 400 }),
          expires: Type.Integer({ minimum: 0, maximum: 99999999999 }),
          signature: Type.String({ minLength: 1, maxLength: 128 }),
        }),
        response: { 200: Type.Unsafe<unknown>({ description: 'the document bytes' }), ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const { content, contentType } = await service.download(request.query)
      return reply.header('content-type', contentType).header('cache-control', 'private, no-store').send(content)
    },
  )

  // The upload endpoint stands in for S3's presigned POST: no Authorization, the signed form decides.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MILITARY_DOCUMENT_MAX_BYTES, files: 1, fields: 10, fieldSize: 8 * 1024, parts: 12 } })
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/v1/military-affiliation-documents',
      {
        schema: {
          tags: ['provider-users'],
          operationId: 'uploadMilitaryAffiliationDocument',
          summary: 'multipart/form-data: the fields of one documentUploadFields form, then the document (`file`, with its content type). 204 when stored',
          consumes: ['multipart/form-data'],
          response: { 204: Type.Null() },
        },
        config: { public: true },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw new CompactConnectError(415, 'Unsupported media type')
        if (Number(request.headers['content-length'] ?? 0) > MILITARY_DOCUMENT_MAX_BYTES + 64 * 1024) throw badRequest('Your proposed upload exceeds the maximum allowed size')
        const fields: Record<string, string> = {}
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (typeof part.value === 'string') fields[part.fieldname.toLowerCase()] = part.value
            continue
          }
          const policy = service.checkFields(fields)
          await service.receive(policy, part.file, fields['content-type'] ?? part.mimetype)
          return reply.status(204).send(null)
        }
        throw badRequest('The file must be the last part of the form, named file')
      },
    )
  })
}
