import type { FastifyBaseLogger } from 'fastify'
import type { Database } from '@hearth/kernel'
import type { GomConfig } from './config.ts'
import type { GomEventBus } from './events.ts'
import { RecordingNotifier, type GomNotifier } from './notifications.ts'
import { BpsRepository } from './modules/bps/bps.repository.ts'
import { BpsService } from './modules/bps/bps.service.ts'
import { OrdersRepository } from './modules/orders/orders.repository.ts'
import { OrdersService } from './modules/orders/orders.service.ts'
import { PromotionsRepository } from './modules/promotions/promotions.repository.ts'
import { PromotionsService } from './modules/promotions/promotions.service.ts'
import { PublicationsRepository } from './modules/publications/publications.repository.ts'
import { PublicationsService } from './modules/publications/publications.service.ts'
import { RecordsRepository } from './modules/shared/records.repository.ts'
import { ReadService } from './modules/shared/read.service.ts'
import { UsersRepository } from './modules/users/users.repository.ts'

export interface ContainerExtras {
  /** Push delivery (modules/webpush); a recording stand-in until it is wired. */
  notifier?: GomNotifier
}

/** Explicit wiring: repositories first, then services with what each uses. */
export function buildContainer(config: GomConfig, database: Database, events: GomEventBus, log: FastifyBaseLogger, extras: ContainerExtras = {}) {
  const repositories = {
    records: new RecordsRepository({ maxPageSize: config.maxPageSize }),
    bps: new BpsRepository(),
    users: new UsersRepository(),
    orders: new OrdersRepository(),
    promotions: new PromotionsRepository(),
    publications: new PublicationsRepository(),
  }
  const notifier = extras.notifier ?? new RecordingNotifier()
  const whereLimits = { maxDepth: config.maxWhereDepth, maxListSize: config.maxWhereListSize, maxConditions: config.maxWhereConditions }
  const reads = new ReadService(database, repositories.records, whereLimits)
  const services = {
    reads,
    bps: new BpsService(database, reads, repositories.bps, repositories.users, log, repositories.orders, events),
    orders: new OrdersService(database, reads, repositories.orders, notifier, events, config.maxNestedWrites),
    promotions: new PromotionsService(database, reads, repositories.promotions),
    publications: new PublicationsService(database, reads, repositories.publications, repositories.promotions, notifier),
  }
  // ─── Auth / Web Push (GB): build their pieces here and add them to the returned object. ───
  return { repositories, services, notifier }
}

export type Container = ReturnType<typeof buildContainer>
export type Services = Container['services']
