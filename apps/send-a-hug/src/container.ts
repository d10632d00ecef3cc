import { Agent } from 'node:https'
import type { Database } from '@hearth/kernel'
import { createJobRunner, type JobRunner } from '@hearth/kernel/jobs'
import { createPushSender } from '@hearth/kernel/push'
import type { SendAHugConfig } from './config.ts'
import { PublicListsCache } from './cache/public-lists.ts'
import type { SendAHugEventBus } from './events.ts'
import type { HomeLists, PostsPage } from './modules/posts/posts.service.ts'
import { FiltersRepository } from './modules/filters/filters.repository.ts'
import { FiltersService } from './modules/filters/filters.service.ts'
import { MessagesRepository } from './modules/messages/messages.repository.ts'
import { MessagesService } from './modules/messages/messages.service.ts'
import { NotificationsRepository, SubscriptionsRepository } from './modules/notifications/notifications.repository.ts'
import { NotificationsService } from './modules/notifications/notifications.service.ts'
import { Notifier, type SendAHugJobs } from './modules/notifications/notifier.ts'
import { PostsRepository } from './modules/posts/posts.repository.ts'
import { PostsService } from './modules/posts/posts.service.ts'
import { ReportsRepository } from './modules/reports/reports.repository.ts'
import { ReportsService } from './modules/reports/reports.service.ts'
import { UsersRepository } from './modules/users/users.repository.ts'
import { UsersService } from './modules/users/users.service.ts'

type Logger = { error(object: unknown, message?: string): void; warn(object: unknown, message?: string): void }

/** Builds the repositories, then the services, with explicit arguments. */
export function buildContainer(config: SendAHugConfig, database: Database, events: SendAHugEventBus, log: Logger) {
  const repositories = {
    users: new UsersRepository(),
    posts: new PostsRepository(),
    filters: new FiltersRepository(),
    messages: new MessagesRepository(),
    notifications: new NotificationsRepository(),
    subscriptions: new SubscriptionsRepository(),
    reports: new ReportsRepository(),
  }
  const sender = createPushSender({
    vapid: config.vapid,
    ...(config.pushAllowInsecureTls ? { agent: new Agent({ rejectUnauthorized: false }) } : {}),
  })
  // The notifier enqueues into the runner whose one handler is the notifier's delivery.
  const jobs: JobRunner<SendAHugJobs> = createJobRunner<SendAHugJobs>({ database, handlers: { 'push.notify': (payload) => notifier.deliver(payload) }, pollIntervalMs: config.jobPollIntervalMs, log })
  const notifier = new Notifier(database, repositories.subscriptions, sender, jobs, log)
  const { users, posts, filters, messages, notifications, subscriptions, reports } = repositories
  const lists = new PublicListsCache<HomeLists, PostsPage>(events, config.publicListsCacheTtlMs, log)
  return {
    repositories,
    notifier,
    jobs,
    lists,
    services: {
      posts: new PostsService(database, posts, users, filters, messages, notifications, notifier, lists),
      users: new UsersService(database, users, notifications, notifier),
      messages: new MessagesService(database, messages, filters, notifications, notifier),
      reports: new ReportsService(database, reports, posts, users),
      filters: new FiltersService(database, filters),
      notifications: new NotificationsService(database, notifications, subscriptions, users),
    },
  }
}

export type Container = ReturnType<typeof buildContainer>
