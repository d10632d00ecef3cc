import {
  defaultFieldResolver,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  type DirectiveNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql'
import { guardResolver } from '@hearth/kernel/graphql'
import { permissionForAuthRole, permissions, type Permission } from '../permissions.ts'
import { policies } from '../policies.ts'
import { failure } from '../modules/shared/failure.ts'
import { forbidden, unauthorized, ValidationFailure, type Violation } from './errors.ts'
import type { DevmarktContext } from './context.ts'

type Resolver = GraphQLFieldResolver<unknown, DevmarktContext, Record<string, unknown>>

/**
 * Gives the schema's directives their behaviour by wrapping each field's resolver (or, on
 * Subscription, its `subscribe`). From the outside in: argument validation, then
 * `@AuthOwnApplication`, then `@Auth`, then the resolver, so an anonymous call with invalid input
 * gets the validation errors (the original's wiring order).
 */
export function applyDirectives(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue
    const isSubscription = type === schema.getSubscriptionType()
    for (const field of Object.values(type.getFields())) {
      const key = isSubscription ? 'subscribe' : 'resolve'
      const auth = directive(field.astNode?.directives, 'Auth')
      const own = directive(field.astNode?.directives, 'AuthOwnApplication')
      const validate = argumentValidator(schema, field)
      // A field with nothing to apply keeps what it has: no resolver means graphql-jit reads the
      // property inline, where a `defaultFieldResolver` would cost a resolver call per value.
      if (!auth && !own && !validate) continue
      let resolver: Resolver = (field[key] as Resolver | undefined) ?? defaultFieldResolver
      if (auth) resolver = withAuth(resolver, permissionForAuthRole(stringArgument(auth, 'role')))
      if (own) resolver = withOwnership(resolver, stringArgument(own, 'idField'), getNamedType(field.type).name === 'Boolean')
      if (validate) resolver = withValidation(resolver, validate)
      ;(field as GraphQLField<unknown, DevmarktContext>)[key] = resolver
    }
  }
}

const directive = (nodes: readonly DirectiveNode[] | undefined, name: string) => nodes?.find((node) => node.name.value === name)

function stringArgument(node: DirectiveNode, name: string): string {
  const argument = node.arguments?.find((arg) => arg.name.value === name)
  if (!argument || argument.value.kind !== 'StringValue') throw new Error(`@${node.name.value} needs ${name}`)
  return argument.value.value
}

/** `@Auth`: the kernel's resolver guard, with Devmarkt's caller and wording. */
function withAuth(inner: Resolver, permission: Permission): Resolver {
  return guardResolver(inner, permission, {
    permissions,
    principalOf: async (context: DevmarktContext) => {
      const caller = await context.caller()
      return caller && { roles: [caller.role] }
    },
    unauthorized: () => unauthorized(),
    forbidden: (_permission, _principal, info) => forbidden(info.parentType.name, info.fieldName),
  })
}

/** Admins pass; others only for an application they own. "Not yours" reads as "not there". */
function withOwnership(inner: Resolver, idField: string, returnsBoolean: boolean): Resolver {
  return async (source, args, context, info) => {
    const caller = await context.caller()
    if (!caller) throw unauthorized()
    if (policies.mayAccessAnyApplication(caller)) return inner(source, args, context, info)
    const application = await context.loaders.application.load(args[idField] as number)
    if (application && policies.mayAccessApplication(caller, application)) return inner(source, args, context, info)
    return returnsBoolean ? false : failure('NOT_FOUND')
  }
}

function withValidation(inner: Resolver, validate: (args: Record<string, unknown>, fieldName: string) => Violation[]): Resolver {
  return (source, args, context, info) => {
    const violations = validate(args, info.fieldName)
    if (violations.length > 0) throw new ValidationFailure(violations)
    return inner(source, args, context, info)
  }
}

// ---- validation directives (graphql-java-extended-validation's rules, "return null" strategy) ----

interface Constraint {
  name: string
  check(value: unknown): string | undefined
}

type Path = (string | number)[]

const lengthOf = (value: unknown) => (typeof value === 'string' || Array.isArray(value) ? value.length : undefined)

function constraintsOf(schema: GraphQLSchema, nodes: readonly DirectiveNode[] | undefined): Constraint[] {
  const found: Constraint[] = []
  for (const node of nodes ?? []) {
    const definition = schema.getDirective(node.name.value)
    if (!definition) continue
    const values = getDirectiveValues(definition, { directives: [node] } as never) ?? {}
    const min = values.min as number
    const max = values.max as number
    switch (node.name.value) {
      case 'NotBlank':
        found.push({ name: '@NotBlank', check: (value) => (typeof value === 'string' && value.trim() === '' ? 'must not be blank' : undefined) })
        break
      case 'Size':
      case 'ContainerSize':
        found.push({
          name: `@${node.name.value}`,
          check: (value) => {
            const length = lengthOf(value)
            return length !== undefined && (length < min || length > max) ? `size must be between ${min} and ${max}` : undefined
          },
        })
        break
      case 'Range':
        found.push({ name: '@Range', check: (value) => (typeof value === 'number' && (value < min || value > max) ? `range must be between ${min} and ${max}` : undefined) })
        break
      case 'Min':
        found.push({
          name: '@Min',
          check: (value) => (typeof value === 'number' && value < (values.value as number) ? `must be greater than or equal to ${values.value}` : undefined),
        })
        break
    }
  }
  return found
}

type ValueValidator = (value: unknown, path: Path, out: Violation[], prefix: string) => void

/** A validator for one input position (argument or input field), or undefined when nothing below it is constrained. */
function positionValidator(schema: GraphQLSchema, position: GraphQLArgument | GraphQLInputField, seen: Map<string, ValueValidator | null>): ValueValidator | undefined {
  const constraints = constraintsOf(schema, position.astNode?.directives)
  const inner = typeValidator(schema, position.type, seen)
  if (constraints.length === 0 && !inner) return undefined
  return (value, path, out, prefix) => {
    if (value === null || value === undefined) return
    for (const constraint of constraints) {
      const problem = constraint.check(value)
      if (problem) out.push({ message: `${prefix}${renderPath(path)} ${problem}`, constraint: constraint.name, validatedPath: [...path] })
    }
    inner?.(value, path, out, prefix)
  }
}

function typeValidator(schema: GraphQLSchema, type: GraphQLInputType, seen: Map<string, ValueValidator | null>): ValueValidator | undefined {
  const nullable = getNullableType(type)
  if (isListType(nullable)) {
    const item = typeValidator(schema, nullable.ofType, seen)
    if (!item) return undefined
    return (value, path, out, prefix) => {
      if (!Array.isArray(value)) return
      value.forEach((entry, index) => entry !== null && entry !== undefined && item(entry, [...path, index], out, prefix))
    }
  }
  if (!isInputObjectType(nullable)) return undefined
  if (seen.has(nullable.name)) {
    const known = seen.get(nullable.name)
    return known === null ? (value, path, out, prefix) => seen.get(nullable.name)?.(value, path, out, prefix) : (known ?? undefined)
  }
  seen.set(nullable.name, null) // recursion guard for self-referencing inputs
  const fields = Object.values(nullable.getFields())
    .map((field) => [field.name, positionValidator(schema, field, seen)] as const)
    .filter((entry): entry is readonly [string, ValueValidator] => entry[1] !== undefined)
  const validator: ValueValidator | undefined =
    fields.length === 0
      ? undefined
      : (value, path, out, prefix) => {
          const object = value as Record<string, unknown>
          for (const [name, validate] of fields) validate(object[name], [...path, name], out, prefix)
        }
  seen.set(nullable.name, validator ?? null)
  return validator
}

function argumentValidator(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>) {
  const seen = new Map<string, ValueValidator | null>()
  const validators = field.args
    .map((argument) => [argument.name, positionValidator(schema, argument, seen)] as const)
    .filter((entry): entry is readonly [string, ValueValidator] => entry[1] !== undefined)
  if (validators.length === 0) return undefined
  return (args: Record<string, unknown>, fieldName: string): Violation[] => {
    const out: Violation[] = []
    for (const [name, validate] of validators) validate(args[name], [name], out, `/${fieldName}`)
    return out
  }
}

function renderPath(path: Path): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `/${segment}`)).join('')
}
