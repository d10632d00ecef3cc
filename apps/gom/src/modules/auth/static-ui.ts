import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'
import { declareRoutesPublic } from '@hearth/kernel'

/**
 * Serves a built Gom UI (`GOM_UI_DIR`) from the same origin as the API, so the UI's `/api/*` calls
 * and its cookies need no proxy (Decisions). Off unless configured. Files only: `/` is
 * `index.html`; the API's own paths are matched first by their routes.
 */
export async function registerStaticUi(app: FastifyInstance, uiDir: string | undefined): Promise<void> {
  if (!uiDir) return
  await app.register(async (scope) => {
    declareRoutesPublic(scope, 'the built Gom UI (static files)')
    await scope.register(fastifyStatic, { root: uiDir, prefix: '/', index: ['index.html'], wildcard: true, dotfiles: 'ignore', schemaHide: true })
  })
}
