import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import multipart from '@fastify/multipart'
import { Type } from 'typebox'
import { callerOf } from '../../auth/index.ts'
import type { Container } from '../../container.ts'
import { isCompact } from '../../domain/compacts.ts'
import { CompactConnectError, badRequest } from '../../errors.ts'
import { requires } from '../../permissions.ts'
import type { SignedRequest } from '../state-api/signature.service.ts'
import { BulkUploadResponse, CompactJurisdictionPath, LicenseUploadBody, MessageResponse, UploadProgressResponse } from './ingest.schemas.ts'

/** The parts of the request a State API signature covers. */
export function signedPartsOf(request: FastifyRequest): SignedRequest {
  const [path, query = ''] = request.url.split('?', 2) as [string, string?]
  return { method: request.method, path, query, headers: request.headers }
}

const lower = (params: { compact: string; jurisdiction: string }) => {
  const compact = params.compact.toLowerCase()
  if (!isCompact(compact)) throw badRequest(`Invalid compact: ${params.compact}`)
  return { compact, jurisdiction: params.jurisdiction.toLowerCase() }
}

/** License uploads (§2.7, §4.1): the JSON POST, the bulk-upload URL, the CSV upload endpoint and its progress. */
export async function ingestRoutes(app: FastifyInstance, container: Container): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  const { ingest, bulkUpload, signatures } = container.services
  const tags = ['licenses']

  routes.post(
    '/v1/compacts/:compact/jurisdictions/:jurisdiction/licenses',
    {
      schema: {
        tags,
        operationId: 'postLicenses',
        summary: 'Upload up to 100 licenses (state API or staff with {j}/{c}.write); queued for ingest',
        params: CompactJurisdictionPath,
        body: LicenseUploadBody,
        response: { 200: MessageResponse },
      },
      config: { permission: requires.write },
    },
    async (request) => {
      const { compact, jurisdiction } = lower(request.params)
      await signatures.authorizeUpload(callerOf(request), compact, jurisdiction, signedPartsOf(request))
      await ingest.submitJson(compact, jurisdiction, request.body)
      return { message: 'OK' }
    },
  )

  routes.get(
    '/v1/compacts/:compact/jurisdictions/:jurisdiction/licenses/bulk-upload',
    {
      schema: {
        tags,
        operationId: 'getBulkUploadUrl',
        summary: 'A one-hour, single-use form (url + fields) to POST one CSV file of licenses to',
        params: CompactJurisdictionPath,
        response: { 200: BulkUploadResponse },
      },
      config: { permission: requires.write },
    },
    async (request) => {
      const { compact, jurisdiction } = lower(request.params)
      await signatures.authorizeUpload(callerOf(request), compact, jurisdiction, signedPartsOf(request))
      return { upload: bulkUpload.uploadUrl(compact, jurisdiction) }
    },
  )

  routes.get(
    '/v1/compacts/:compact/jurisdictions/:jurisdiction/licenses/bulk-upload/:uploadId',
    {
      schema: {
        tags,
        operationId: 'getBulkUploadProgress',
        summary: 'Progress of a CSV upload: rows read, queued, rejected, and the first validation errors (added in Hearth)',
        params: Type.Object({
          compact: Type.String({ minLength: 1, maxLength: 20 }),
          jurisdiction: Type.String({ minLength: 1, maxLength: 20 }),
          uploadId: Type.String({ format: 'uuid', maxLength: 36 }),
        }),
        response: { 200: UploadProgressResponse },
      },
      config: { permission: requires.write },
    },
    async (request) => {
      const { compact, jurisdiction } = lower(request.params)
      await signatures.authorizeUpload(callerOf(request), compact, jurisdiction, signedPartsOf(request))
      return bulkUpload.progress(compact, jurisdiction, request.params.uploadId)
    },
  )

  // The upload endpoint stands in for S3's presigned POST: no Authorization, the signed policy decides (§9.9).
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: container.config.bulkUploadMaxBytes, files: 1, fields: 20, fieldSize: 16 * 1024, parts: 25 } })
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/v1/bulk-uploads',
      {
        schema: {
          tags,
          operationId: 'uploadLicenseCsv',
          summary: 'multipart/form-data: the fields of the bulk-upload form, `Content-Type: text/csv`, then the file (`file`). 204 when accepted; rows are ingested asynchronously',
          consumes: ['multipart/form-data'],
          response: { 204: Type.Null() },
        },
        config: { public: true },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw new CompactConnectError(415, 'Unsupported media type')
        // A declared length far over the limit is refused before anything is read (S3's content-length-range).
        if (Number(request.headers['content-length'] ?? 0) > container.config.bulkUploadMaxBytes + 64 * 1024) throw badRequest('Your proposed upload exceeds the maximum allowed size')
        const fields: Record<string, string> = {}
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (typeof part.value === 'string') fields[part.fieldname.toLowerCase()] = part.value
            continue
          }
          const policy = bulkUpload.checkFields(fields)
          const { uploadId } = await bulkUpload.receiveCsv(policy, part.file)
          reply.header('location', `/v1/compacts/${policy.compact}/jurisdictions/${policy.jurisdiction}/licenses/bulk-upload/${uploadId}`)
          return reply.status(204).send(null)
        }
        throw badRequest('The file must be the last part of the form, named file')
      },
    )
  })
}
