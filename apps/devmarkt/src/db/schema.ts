// Devmarkt's tables, named exactly as the original's Flyway migrations name them: a benchmark peer
// reads the same tables. Templates are versioned by soft delete (`enabled`), see the README.
import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, pgEnum, pgTable, serial, timestamp, unique, uniqueIndex, varchar } from 'drizzle-orm/pg-core'

export const roleEnum = pgEnum('role', ['ADMIN', 'USER', 'NONE'])
export const applicationStatusEnum = pgEnum('application_status', ['UNPROCESSED', 'REJECTED', 'ACCEPTED'])

export const templates = pgTable(
  'templates',
  {
    id: serial('id').primaryKey(),
    name: varchar('name'),
    enabled: boolean('enabled').notNull(),
  },
  // Only one enabled template may carry a given name; disabled versions keep theirs.
  (table) => [
    uniqueIndex('templates_name_enabled_unique')
      .on(table.name, table.enabled)
      .where(sql`${table.enabled} = true`),
  ],
)

export const questions = pgTable(
  'questions',
  {
    id: serial('id').primaryKey(),
    templateId: integer('template_id')
      .notNull()
      .references(() => templates.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    question: varchar('question').notNull(),
    multiline: boolean('multiline').notNull(),
    minAnswerLength: integer('min_answer_length').notNull(),
  },
  (table) => [unique('questions_template_id_number_unique').on(table.templateId, table.number)],
)

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    idType: varchar('id_type').notNull(),
    userId: bigint('user_id', { mode: 'bigint' }).notNull(),
    role: roleEnum('role').notNull(),
  },
  (table) => [unique('users_id_type_user_id_unique').on(table.idType, table.userId)],
)

export const applications = pgTable(
  'applications',
  {
    id: serial('id').primaryKey(),
    // The original declared VARCHAR and never wrote it; Hearth sets it when the application is processed.
    processTime: timestamp('process_time', { withTimezone: true, mode: 'date' }),
    status: applicationStatusEnum('status').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    templateId: integer('template_id')
      .notNull()
      .references(() => templates.id),
  },
  (table) => [index('applications_user_id_idx').on(table.userId)],
)

export const answers = pgTable(
  'answers',
  {
    id: serial('id').primaryKey(),
    number: integer('number').notNull(),
    answer: varchar('answer').notNull(),
    questionId: integer('question_id')
      .notNull()
      .references(() => questions.id),
    applicationId: integer('application_id')
      .notNull()
      .references(() => applications.id, { onDelete: 'cascade' }),
  },
  (table) => [index('answers_application_id_idx').on(table.applicationId)],
)
