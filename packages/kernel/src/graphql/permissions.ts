import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql'
import { holdsPermission, type Principal } from '../auth/permissions.ts'

type Resolver<Context> = GraphQLFieldResolver<unknown, Context, Record<string, unknown>>

/** What a field requires: one permission, or a list meaning "any of". */
export type FieldRequirement = string | readonly string[]

export interface ResolverGuardOptions<Context, P extends Principal = Principal> {
  /** What each role grants (`definePermissions`); omit when grants come with the principal. */
  permissions?: { allows(roles: readonly string[], permission: never): boolean }
  /** Who is calling, from the request's context; undefined when anonymous. */
  principalOf(context: Context): P | undefined | Promise<P | undefined>
  /** The app's errors for "sign in first" and "not allowed". */
  unauthorized(info: GraphQLResolveInfo): Error
  forbidden(permission: string, principal: P, info: GraphQLResolveInfo): Error
}

/**
 * The GraphQL side of the kernel's permission hook: wraps one resolver so it runs only for a
 * caller holding `requirement` (anonymous → `unauthorized`, lacking → `forbidden`).
 */
export function guardResolver<Context, P extends Principal>(resolver: Resolver<Context>, requirement: FieldRequirement, options: ResolverGuardOptions<Context, P>): Resolver<Context> {
  const required = typeof requirement === 'string' ? [requirement] : requirement
  return async (source, args, context, info) => {
    const principal = await options.principalOf(context)
    if (principal === undefined) throw options.unauthorized(info)
    if (!holdsPermission(principal, required, options.permissions)) throw options.forbidden(required.join(' or '), principal, info)
    return resolver(source, args, context, info)
  }
}

/**
 * Guards a schema's fields from one table, `'Type.field' → requirement` (the app's `permissions.ts`
 * writes it). A Subscription field's `subscribe` is guarded, other fields' `resolve`. A table entry
 * naming no field of the schema is a programming error, refused at start.
 */
export function guardResolvers<Context, P extends Principal>(schema: GraphQLSchema, table: Readonly<Record<string, FieldRequirement>>, options: ResolverGuardOptions<Context, P>): void {
  const subscription = schema.getSubscriptionType()
  for (const [coordinate, requirement] of Object.entries(table)) {
    const [typeName, fieldName] = coordinate.split('.')
    const type = typeName === undefined ? undefined : schema.getType(typeName)
    const field = isObjectType(type) && fieldName !== undefined ? type.getFields()[fieldName] : undefined
    if (!field) throw new Error(`guardResolvers: ${coordinate} is not a field of the schema`)
    const key = type === subscription ? 'subscribe' : 'resolve'
    const resolver = (field[key] as Resolver<Context> | undefined) ?? defaultFieldResolver
    field[key] = guardResolver(resolver, requirement, options)
  }
}
