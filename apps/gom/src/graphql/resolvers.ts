import type { GraphQLFieldResolver } from 'graphql'
import { noPermission } from '../errors.ts'
import { guardResolver } from '@hearth/kernel/graphql'
import { FIELD_PERMISSIONS, type Caller, type Permission } from '../permissions.ts'
import { MODELS, type ModelName } from '../modules/shared/model.ts'
import type { ListArgs } from '../modules/shared/read.service.ts'
import type { NodeRecord } from '../modules/shared/records.repository.ts'
import type { Input } from '../modules/shared/mutation-input.ts'
import { GomError } from '../errors.ts'
import type { GomContext } from './context.ts'
import { orderSubscription } from './subscription.ts'
import type { GomEventBus } from '../events.ts'

/** mercurius spreads subscription contexts into plain objects, so the context class rides under `gom`. */
export interface ResolverContext {
  gom: GomContext
}

type Resolver = GraphQLFieldResolver<unknown, ResolverContext, Record<string, unknown>>
type Args = Record<string, unknown>

/**
 * The permission check every root field passes first (the original's class-level
 * PermissionGuard): the kernel's resolver guard, with the permissions the caller's token carries;
 * anonymous or lacking, the original's one refusal.
 */
export function guard(required: Permission, resolver: (caller: Caller, args: Args, context: GomContext) => unknown): Resolver {
  return guardResolver<ResolverContext, { roles: []; permissions: readonly string[]; caller: Caller }>((_root, args, { gom }) => resolver(gom.caller!, args, gom), required, {
    principalOf: ({ gom }) => (gom.caller ? { roles: [], permissions: gom.caller.permissions, caller: gom.caller } : undefined),
    unauthorized: () => noPermission(),
    forbidden: () => noPermission(),
  })
}

const list = (args: Args): ListArgs => args as ListArgs
const input = (value: unknown): Input => (value ?? {}) as Input

/** Root fields: one guarded resolver each, one service call each. */
function rootResolvers(bus: GomEventBus) {
  const { Query: q, Mutation: m, Subscription: s } = FIELD_PERMISSIONS
  return {
    Query: {
      bp: guard(q.bp, (caller, args, { services }) => services.bps.bp(caller, args.where)),
      bpsConnection: guard(q.bpsConnection, (caller, args, { services }) => services.bps.bpsConnection(caller, list(args))),
      order: guard(q.order, (caller, args, { services }) => services.orders.order(caller, args.where)),
      ordersConnection: guard(q.ordersConnection, (caller, args, { services }) => services.orders.ordersConnection(caller, list(args))),
      promotion: guard(q.promotion, (caller, args, { services }) => services.promotions.promotion(caller, args.where)),
      promotionsConnection: guard(q.promotionsConnection, (caller, args, { services }) => services.promotions.promotionsConnection(caller, list(args))),
      publication: guard(q.publication, (caller, args, { services }) => services.publications.publication(caller, args.where)),
      publicationsConnection: guard(q.publicationsConnection, (caller, args, { services }) => services.publications.publicationsConnection(caller, list(args))),
    },
    Mutation: {
      createBp: guard(m.createBp, (caller, args, { services }) => services.bps.createBp(caller, input(args.data))),
      updateBp: guard(m.updateBp, (caller, args, { services }) => services.bps.updateBp(caller, input(args.data), args.where)),
      deleteBp: guard(m.deleteBp, (caller, args, { services }) => services.bps.deleteBp(caller, args.where)),
      createOrder: guard(m.createOrder, (caller, args, { services }) => services.orders.createOrder(caller, input(args.data))),
      updateOrder: guard(m.updateOrder, (caller, args, { services }) => services.orders.updateOrder(caller, input(args.data), args.where)),
      createPromotion: guard(m.createPromotion, (caller, args, { services }) => services.promotions.createPromotion(caller, input(args.data))),
      updatePromotion: guard(m.updatePromotion, (caller, args, { services }) => services.promotions.updatePromotion(caller, input(args.data), args.where)),
      createPublication: guard(m.createPublication, (caller, args, { services }) => services.publications.createPublication(caller, input(args.data))),
      updatePublication: guard(m.updatePublication, (caller, args, { services }) => services.publications.updatePublication(caller, input(args.data), args.where)),
    },
    Subscription: {
      order: { subscribe: guard(s.order, (caller, args, context) => orderSubscription(bus, caller, args.where, context)), resolve: (payload: unknown) => payload },
    },
  }
}

const hasListArgs = (args: Args) => Object.values(args).some((value) => value !== undefined && value !== null)

/**
 * Relation fields of every object type, from the model metadata. Each reads through the caller's
 * visibility (spec §10.3): a to-one relation the caller may not see is refused, a to-many one lists
 * only visible rows.
 */
function relationResolvers() {
  const resolvers: Record<string, Record<string, Resolver>> = {}
  for (const model of Object.values(MODELS)) {
    const fields: Record<string, Resolver> = {}
    for (const [field, relation] of Object.entries(model.relations)) {
      const target: ModelName = relation.target
      if (!relation.many) {
        fields[field] = async (parent, _args, { gom: context }) => {
          const key = (parent as NodeRecord).keys[field]
          if (!key) return null
          const found = await context.row(target).load(key)
          if (!found) throw new GomError('FORBIDDEN', `Cannot access this ${target === 'Bp' ? 'BP' : target.toLowerCase()}`)
          return found
        }
      } else {
        fields[field] = (parent, args, { gom: context }) => {
          const uid = (parent as NodeRecord).uid
          if (!hasListArgs(args)) return context.children(model.name, field, target).load(uid)
          return context.services.reads.relationList(context.caller, model.name, field, target, uid, list(args))
        }
      }
    }
    resolvers[model.name] = fields
  }
  return resolvers
}

export function createResolvers(bus: GomEventBus) {
  return { ...rootResolvers(bus), ...relationResolvers() }
}
