import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '@hearth/kernel'
import { audit, type AuditContext } from '@hearth/kernel/audit'
import type { TokenService, Caller } from '../auth/tokens.ts'
import { permissions, refusal, rolesOf, type Permission } from '../permissions.ts'
import type { Slack } from '../slack.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token's caller, if any. */
    raiseCaller: Caller | undefined
    /** Subject, source IP, user agent and raw route for audit entries. */
    raiseAudit: AuditContext
  }
}

const BEARER = /^Bearer (\S+)$/

/**
 * The original's middleware order: audit context, then the JWT (required when the route declares a
 * permission, verified when present anyway), then content type, JSON and schema validation
 * (Fastify), then the permission. 401/403 responses are audited as `security` and sent to Slack.
 */
export function registerRaiseHooks(app: FastifyInstance, deps: { tokens: TokenService; slack: Slack; version: string }): void {
  app.decorateRequest('raiseCaller', undefined)
  app.decorateRequest('raiseAudit', undefined as never)

  app.addHook('onRequest', async (request) => {
    request.raiseAudit = {
      subject: 'public',
      sourceIp: request.ip,
      userAgent: request.headers['user-agent'] ?? '',
      route: `${request.method} ${request.url.split('?')[0]}`,
    }
    const header = request.headers.authorization
    const required = request.routeOptions.config?.permission !== undefined
    if (header === undefined || header === '') {
      if (required) throw errors.unauthorized('No valid bearer token was set in the authorization header')
      return
    }
    const match = BEARER.exec(header)
    if (!match) throw errors.unauthorized('Format should be "Authorization: Bearer [token]"')
    request.raiseCaller = await deps.tokens.verifyAccessToken(match[1]!)
    request.raiseAudit.subject = request.raiseCaller.subject
  })

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

  app.addHook('preHandler', async (request) => {
    const permission = request.routeOptions.config?.permission as Permission | undefined
    if (permission === undefined) return
    const caller = request.raiseCaller!
    if (!permissions.allows(rolesOf(caller), permission)) throw refusal(permission, caller)
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
      await writeSecurityAudit(app, request, status, message)
      void deps.slack.send(`🔒 ${status} on ${request.raiseAudit?.route ?? request.url} by ${request.raiseAudit?.subject ?? 'public'}: ${message}`)
    } else if (status >= 500) {
      void deps.slack.send(`💥 ${status} on ${request.raiseAudit?.route ?? request.url} (request ${request.id})`)
    }
    return payload
  })
}

/** An audit write that fails is logged and swallowed; it never fails the request. */
async function writeSecurityAudit(app: FastifyInstance, request: FastifyRequest, statusCode: number, message: string) {
  try {
    const context = request.raiseAudit ?? { subject: 'public', sourceIp: request.ip, userAgent: request.headers['user-agent'] ?? '', route: `${request.method} ${request.url}` }
    await audit(app.hearth.database.db, context, { action: 'security', metadata: { statusCode, message }, at: flooredNow() })
  } catch (error) {
    request.log.error({ err: error }, 'security audit failed')
  }
}

export function flooredNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000)
}

export function auditContextOf(request: FastifyRequest): AuditContext {
  return request.raiseAudit
}
