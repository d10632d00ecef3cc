import type { Database } from '@hearth/kernel'
import { CallerService } from './auth/caller.service.ts'
import { DevmarktCaches } from './cache/caches.ts'
import type { DevmarktConfig } from './config.ts'
import type { EventPublisher } from './events.ts'
import { ApplicationRepository } from './modules/applications/application.repository.ts'
import { ApplicationService } from './modules/applications/application.service.ts'
import { TemplateRepository } from './modules/templates/template.repository.ts'
import { TemplateService } from './modules/templates/template.service.ts'
import { UserRepository } from './modules/users/user.repository.ts'
import { UserService } from './modules/users/user.service.ts'

export interface Services {
  templates: TemplateService
  applications: ApplicationService
  users: UserService
}

export interface Repositories {
  templates: TemplateRepository
  applications: ApplicationRepository
  users: UserRepository
}

/** Explicit wiring: the repositories, then the services with what they use. */
export function createContainer(config: DevmarktConfig, database: Database, events: EventPublisher) {
  const caches = new DevmarktCaches(events, config.cacheTtlMs)
  const repositories: Repositories = { templates: new TemplateRepository(), applications: new ApplicationRepository(), users: new UserRepository() }
  const services: Services = {
    templates: new TemplateService(database, repositories.templates, caches),
    applications: new ApplicationService(database, repositories.applications, repositories.templates, events, caches),
    users: new UserService(database, repositories.users, caches),
  }
  return { repositories, services, caches, callers: new CallerService(database, repositories.users, config.jwtSecret, caches) }
}
