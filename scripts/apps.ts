import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { HearthAppModule } from '@hearth/kernel'

const appsDir = join(import.meta.dirname, '..', 'apps')
/** `app.ts` from the sources, `app.js` in the compiled tree (`npm run build`). */
const entry = import.meta.filename.endsWith('.js') ? 'app.js' : 'app.ts'

/** Every app in `apps/` except the portal, in port order. */
export async function loadAppModules(): Promise<HearthAppModule[]> {
  const names = readdirSync(appsDir).filter((name) => name !== 'portal' && existsSync(join(appsDir, name, 'src', entry)))
  const modules = await Promise.all(names.map(async (name) => (await import(join(appsDir, name, 'src', entry))).default as HearthAppModule))
  return modules.sort((a, b) => a.defaultPort - b.defaultPort)
}
