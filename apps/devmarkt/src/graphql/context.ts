import type { Database } from '@hearth/kernel'
import type { Caller, CallerService } from '../auth/caller.service.ts'
import type { Services } from '../container.ts'
import { createLoaders, type Loaders } from './loaders.ts'

/** What every resolver sees: the caller (resolved lazily, once), request-scoped loaders, the services. */
export interface DevmarktContext {
  caller(): Promise<Caller | undefined>
  loaders: Loaders
  services: Services
  /** Resets the loaders (subscriptions reuse one context for every event they deliver). */
  freshLoaders(): void
}

export function createContext(deps: { database: Database; callers: CallerService; services: Services }, authorization: string | undefined): DevmarktContext {
  let caller: Promise<Caller | undefined> | undefined
  const context: DevmarktContext = {
    caller: () => (caller ??= deps.callers.resolve(authorization)),
    loaders: createLoaders(deps.database.db),
    services: deps.services,
    freshLoaders() {
      context.loaders = createLoaders(deps.database.db)
    },
  }
  return context
}
