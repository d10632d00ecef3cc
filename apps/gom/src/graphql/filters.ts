import { ENUMS, MODELS, type Model } from '../modules/shared/model.ts'
import { operatorsFor } from '../modules/shared/where.ts'

/**
 * The Prisma 1 filter, ordering, unique-selector and connection types of every model (spec §1.8),
 * generated from the same model metadata the SQL translator reads, so the SDL offers exactly the
 * operators the translator implements. Printed into `schema.graphql` with the hand-written SDL.
 */
const UNIQUE_FIELDS: Record<string, string[]> = {
  Bp: ['uid', 'extUid'],
  User: ['uid', 'extUid'],
  Order: ['uid'],
  Item: ['uid'],
  Price: ['uid'],
  Promotion: ['uid'],
  Publication: ['uid'],
}

/** Models with a root `xConnection` query. */
const CONNECTIONS = ['Bp', 'Order', 'Promotion', 'Publication']

function graphqlType(model: Model, field: string): string {
  const scalar = model.scalars[field]!
  return scalar.kind === 'Enum' ? scalar.enumName! : scalar.kind
}

/** Every scalar's filter fields: `f` and `f_<operator>` for the operators the translator implements. */
function scalarFilters(model: Model): string[] {
  return Object.entries(model.scalars).flatMap(([field, scalar]) => {
    const type = graphqlType(model, field)
    return [`  ${field}: ${type}`, ...operatorsFor(scalar.kind).map((op) => `  ${field}_${op}: ${op.endsWith('in') && !op.includes('contains') ? `[${type}!]` : type}`)]
  })
}

function whereInput(model: Model): string {
  const lines = [`input ${model.name}WhereInput {`, `  AND: [${model.name}WhereInput!]`, `  OR: [${model.name}WhereInput!]`, `  NOT: [${model.name}WhereInput!]`, ...scalarFilters(model)]
  for (const [field, relation] of Object.entries(model.relations)) {
    if (relation.many) for (const op of ['every', 'some', 'none']) lines.push(`  ${field}_${op}: ${relation.target}WhereInput`)
    else lines.push(`  ${field}: ${relation.target}WhereInput`)
  }
  lines.push('}')
  return lines.join('\n')
}

/**
 * `XScalarWhereInput` (Prisma 1's filter of nested `updateMany`/`deleteMany`): the scalar operators
 * of `XWhereInput` without relation filters.
 */
function scalarWhereInput(model: Model): string {
  const name = `${model.name}ScalarWhereInput`
  return [`input ${name} {`, `  AND: [${name}!]`, `  OR: [${name}!]`, `  NOT: [${name}!]`, ...scalarFilters(model), '}'].join('\n')
}

/** Models whose nested to-many writes take `updateMany`/`deleteMany`. */
const SCALAR_WHERE = ['Item', 'Price'] as const

function orderByInput(model: Model): string {
  const values = Object.keys(model.scalars).flatMap((field) => [`${field}_ASC`, `${field}_DESC`])
  return `enum ${model.name}OrderByInput {\n${values.map((value) => `  ${value}`).join('\n')}\n}`
}

function uniqueInput(model: Model): string {
  const fields = UNIQUE_FIELDS[model.name]!.map((field) => `  ${field}: ${model.scalars[field]!.kind === 'String' ? 'String' : 'ID'}`)
  return `input ${model.name}WhereUniqueInput {\n${fields.join('\n')}\n}`
}

function connection(name: string): string {
  return [
    `type ${name}Connection {\n  pageInfo: PageInfo!\n  edges: [${name}Edge]!\n  aggregate: Aggregate${name}!\n}`,
    `type ${name}Edge {\n  node: ${name}!\n  cursor: String!\n}`,
    `type Aggregate${name} {\n  count: Int!\n}`,
  ].join('\n\n')
}

export function filterSdl(): string {
  const parts: string[] = []
  for (const [name, values] of Object.entries(ENUMS)) parts.push(`enum ${name} {\n${values.map((value) => `  ${value}`).join('\n')}\n}`)
  for (const model of Object.values(MODELS)) parts.push(whereInput(model), orderByInput(model), uniqueInput(model))
  for (const name of SCALAR_WHERE) parts.push(scalarWhereInput(MODELS[name]))
  for (const name of CONNECTIONS) parts.push(connection(name))
  return parts.join('\n\n') + '\n'
}
