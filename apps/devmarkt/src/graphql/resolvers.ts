import { ROLES_IN_ORDER, type Role } from '../permissions.ts'
import type { ApplicationStatus, DevmarktEventBus } from '../events.ts'
import { Failure, failure } from '../modules/shared/failure.ts'
import type { ApplicationRow } from '../modules/applications/application.repository.ts'
import type { TemplateRecord } from '../modules/templates/template.repository.ts'
import type { QuestionUpdate } from '../modules/templates/template.rules.ts'
import type { PublicUserId, UserRow } from '../modules/users/user.repository.ts'
import { UserInputError } from './errors.ts'
import { eventStream } from './event-stream.ts'
import type { DevmarktContext } from './context.ts'

type Args = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
type TemplateValue = Pick<TemplateRecord, 'id' | 'name'> & { questions?: TemplateRecord['questions'] }
interface QuestionInput {
  question: string
  number: number
  multiline: boolean
  minAnswerLength: number
  updateAction?: QuestionUpdate['updateAction']
}

function userId(input: { type: string; number: bigint | null | undefined }): PublicUserId {
  if (input.number === null || input.number === undefined) throw new UserInputError('UserIdInput.number is required')
  return { type: input.type, number: input.number }
}

const question = (input: QuestionInput): QuestionUpdate => ({
  question: input.question,
  number: input.number,
  multiline: input.multiline,
  minAnswerLength: input.minAnswerLength,
  updateAction: input.updateAction ?? null,
})

async function callerId(context: DevmarktContext): Promise<number> {
  const caller = await context.caller()
  return caller!.user.id // @Auth ran first, so there is one
}

/** Resolvers stay thin: arguments in, one service call, the domain value out. */
export function createResolvers(bus: DevmarktEventBus) {
  return {
    Query: {
      templates: (_: unknown, __: Args, context: DevmarktContext) => context.services.templates.list(),
      template: (_: unknown, args: Args, context: DevmarktContext) => context.services.templates.byName(args.name),
      roles: () => ROLES_IN_ORDER,
      user: (_: unknown, args: Args, context: DevmarktContext) => context.services.users.byPublicId(userId(args.id)),
      application: async (_: unknown, args: Args, context: DevmarktContext) => (await context.loaders.application.load(args.id)) ?? failure('NOT_FOUND'),
    },
    Mutation: {
      createTemplate: (_: unknown, args: Args, context: DevmarktContext) => context.services.templates.create(args.name, (args.questions as QuestionInput[]).map(question)),
      deleteTemplate: (_: unknown, args: Args, context: DevmarktContext) => context.services.templates.delete(args.name),
      updateTemplate: (_: unknown, args: Args, context: DevmarktContext) =>
        context.services.templates.update(args.name, { name: args.updated.name, questions: (args.updated.questions as QuestionInput[]).map(question) }),
      createUser: (_: unknown, args: Args, context: DevmarktContext) => context.services.users.create(userId(args.userId), args.role as Role),
      deleteUser: (_: unknown, args: Args, context: DevmarktContext) => context.services.users.delete(userId(args.userId)),
      updateUserRole: (_: unknown, args: Args, context: DevmarktContext) => context.services.users.updateRole(userId(args.userId), args.role as Role),
      createApplication: async (_: unknown, args: Args, context: DevmarktContext) => context.services.applications.create(await callerId(context), args.templateName, args.answers),
      deleteApplication: (_: unknown, args: Args, context: DevmarktContext) => context.services.applications.delete(args.id),
      updateApplication: (_: unknown, args: Args, context: DevmarktContext) => context.services.applications.update(args.id, args.updatedAnswers),
      processApplication: (_: unknown, args: Args, context: DevmarktContext) => context.services.applications.process(args.id, args.status as ApplicationStatus),
    },
    Subscription: {
      applicationCreated: {
        subscribe: (_: unknown, __: Args, context: DevmarktContext) =>
          eventStream(bus, 'applicationCreated', async ({ id }) => {
            context.freshLoaders()
            const application = await context.loaders.application.load(id)
            return application && { applicationCreated: application }
          }),
        resolve: (event: { applicationCreated: ApplicationRow }) => event.applicationCreated,
      },
      applicationDeleted: {
        subscribe: () => eventStream(bus, 'applicationDeleted', async ({ id }) => ({ applicationDeleted: id })),
        resolve: (event: { applicationDeleted: number }) => event.applicationDeleted,
      },
      applicationProcessed: {
        subscribe: () => eventStream(bus, 'applicationProcessed', async ({ id, status }) => ({ applicationProcessed: { id, status } })),
        resolve: (event: { applicationProcessed: { id: number; status: ApplicationStatus } }) => event.applicationProcessed,
      },
    },
    Template: {
      // Synchronous when the record carries its questions (always, from the templates cache).
      questions: (template: TemplateValue, _: Args, context: DevmarktContext) => template.questions ?? context.loaders.template.load(template.id).then((found) => found?.questions ?? []),
    },
    Application: {
      user: (application: ApplicationRow, _: Args, context: DevmarktContext) => context.loaders.user.load(application.userId),
      template: (application: ApplicationRow, _: Args, context: DevmarktContext) => context.loaders.template.load(application.templateId),
      answers: async (application: ApplicationRow, _: Args, context: DevmarktContext) => (await context.loaders.answers.load(application.id)) ?? [],
    },
    User: {
      id: (user: UserRow) => ({ type: user.idType, number: user.userId }),
      currentApplication: (user: UserRow, _: Args, context: DevmarktContext) => context.loaders.currentApplication.load(user.id),
      applications: async (user: UserRow, _: Args, context: DevmarktContext) => (await context.loaders.applicationsOfUser.load(user.id)) ?? [],
    },
  }
}

export const unionTypes = {
  TemplateResponse: (value: unknown) => (value instanceof Failure ? 'Failure' : 'Template'),
  ApplicationResponse: (value: unknown) => (value instanceof Failure ? 'Failure' : 'Application'),
  UserResponse: (value: unknown) => (value instanceof Failure ? 'Failure' : 'User'),
  FailureData: (value: { __typename: string }) => value.__typename,
}
