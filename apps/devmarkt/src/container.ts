import type { Database } from '@hearth/kernel'
import { CallerService } from './auth/caller.service.ts'
import { DevmarktCaches } from './cache/caches.ts'
import type { DevmarktConfig } from './config.ts'
import type { EventPublisher } from './events.ts'
import { ApplicationService } from './modules/applications/application.service.ts'
import { TemplateService } from './modules/templates/template.service.ts'
import { UserService } from './modules/users/user.service.ts'

export interface Services {
  templates: TemplateService
  applications: ApplicationService
  users: UserService
}

/** Explicit wiring: repositories are plain modules over `Db`; services get what they use. */
export function createContainer(config: DevmarktConfig, database: Database, events: EventPublisher) {
  const caches = new DevmarktCaches(events, config.cacheTtlMs)
  const services: Services = {
    templates: new TemplateService(database, caches),
    applications: new ApplicationService(database, events),
    users: new UserService(database, caches),
  }
  return { services, caches, callers: new CallerService(database, config.jwtSecret, caches) }
}
