import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '@hearth/kernel'
import { audit } from '@hearth/kernel/audit'
import { auditContextOf } from '../auth/access.ts'
import type { Slack } from '../slack.ts'

/**
 * Raise's own hooks around the kernel's access check (auth/access.ts): endpoints without a request
 * schema take no body; every response carries `x-raise-version`; 401/403 responses are audited as
 * `security` and sent to Slack, 5xx to Slack.
 */
export function registerRaiseHooks(app: FastifyInstance, deps: { slack: Slack; version: string }): void {
  // Endpoints without a request schema take no body.
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema as { body?: unknown; hide?: boolean } | undefined
    // Only Raise's own routes (hidden operational/QA routes keep Fastify's defaults).
    if (schema?.body !== undefined || schema?.hide) return
    const body = request.body as unknown
    if (body !== undefined && body !== null && body !== '') {
      throw errors.validation('Event object failed validation', [{ location: 'body', path: '', message: 'must be empty' }])
    }
  })

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-raise-version', deps.version)
    const status = reply.statusCode
    if (status === 401 || status === 403) {
      let message = ''
      try {
        message = JSON.parse(String(payload)).message
      } catch {
        // not JSON (or no message): the audit entry and the alert go without one
      }
      const context = auditContextOf(request)
      await writeSecurityAudit(app, request, status, message)
      void deps.slack.send(`🔒 ${status} on ${context.route} by ${context.subject}: ${message}`)
    } else if (status >= 500) {
      void deps.slack.send(`💥 ${status} on ${auditContextOf(request).route} (request ${request.id})`)
    }
    return payload
  })
}

/** An audit write that fails is logged and swallowed; it never fails the request. */
async function writeSecurityAudit(app: FastifyInstance, request: FastifyRequest, statusCode: number, message: string) {
  try {
    await audit(app.hearth.database.db, auditContextOf(request), { action: 'security', metadata: { statusCode, message }, at: flooredNow() })
  } catch (error) {
    request.log.error({ err: error }, 'security audit failed')
  }
}

export function flooredNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000)
}
