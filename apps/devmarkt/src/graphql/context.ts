import type { Database } from '@hearth/kernel'
import type { Caller, CallerService } from '../auth/caller.service.ts'
import type { DevmarktCaches } from '../cache/caches.ts'
import type { Repositories, Services } from '../container.ts'
import { createLoaders, type Loaders } from './loaders.ts'

/** What every resolver sees: the caller (resolved lazily, once), request-scoped loaders, the services. */
export interface DevmarktContext {
  caller(): Promise<Caller | undefined>
  readonly loaders: Loaders
  readonly services: Services
  /** Resets the loaders (subscriptions reuse one context for every event they deliver). */
  freshLoaders(): void
}

interface ContextDependencies {
  database: Database
  callers: CallerService
  services: Services
  repositories: Repositories
  caches: DevmarktCaches
}

/**
 * One per request (or subscription). Methods live on the prototype and the loaders are built on
 * first use, so a request that needs none (`templates`, served from the cache) allocates only this.
 */
class RequestContext implements DevmarktContext {
  private resolvedCaller: Promise<Caller | undefined> | undefined
  private requestLoaders: Loaders | undefined

  constructor(
    private readonly deps: ContextDependencies,
    private readonly authorization: string | undefined,
  ) {}

  caller(): Promise<Caller | undefined> {
    return (this.resolvedCaller ??= this.deps.callers.resolve(this.authorization))
  }

  get loaders(): Loaders {
    return (this.requestLoaders ??= createLoaders(this.deps.database.db, this.deps.repositories, this.deps.caches))
  }

  get services(): Services {
    return this.deps.services
  }

  freshLoaders(): void {
    this.requestLoaders = undefined
  }
}

export function createContext(deps: ContextDependencies, authorization: string | undefined): DevmarktContext {
  return new RequestContext(deps, authorization)
}
