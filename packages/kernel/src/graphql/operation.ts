import { GraphQLError, Kind, parse, type DocumentNode, type OperationTypeNode } from 'graphql'
import { GraphqlRequestError } from './envelope.ts'

export type OperationType = `${OperationTypeNode}`

/** The operations a document defines, by name (`undefined` for an anonymous one), in order. */
export interface OperationSummary {
  operations: { name: string | undefined; type: OperationType }[]
}

export function summarizeOperations(document: DocumentNode): OperationSummary {
  const operations: OperationSummary['operations'] = []
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push({ name: definition.name?.value, type: definition.operation })
  }
  return { operations }
}

/**
 * The operation a request runs, by GraphQL's rules: the one named `operationName`, or the only
 * one when no name is given. Throws `GraphqlRequestError` for an unknown name, a missing name with
 * several operations, or a document without operations.
 */
export function selectOperation(summary: OperationSummary, operationName: string | undefined): OperationType {
  const { operations } = summary
  if (operationName !== undefined) {
    const named = operations.find((operation) => operation.name === operationName)
    if (!named) throw new GraphqlRequestError('UNKNOWN_OPERATION', `Unknown operation named ${JSON.stringify(operationName.slice(0, 100))}.`)
    return named.type
  }
  if (operations.length === 0) throw new GraphqlRequestError('NO_OPERATION', 'The document contains no operation.')
  if (operations.length > 1) throw new GraphqlRequestError('OPERATION_NAME_REQUIRED', 'The document contains several operations; "operationName" must say which one to run.')
  return operations[0]!.type
}

/**
 * Remembers the operations of recently seen documents, so a request that repeats a document is not
 * parsed twice. A document that does not parse is remembered as its syntax error. Bounded, the
 * first remembered going first. A hit does not move its entry to the back: this map lives in V8's
 * old generation, and a delete and set on every request made V8 re-hash its table there about once
 * per request (~150 bytes of old-generation garbage each), which under load grew the heap by
 * 1 MB/s until a full collection (bench/RESULTS.md, Gom's memory). A document evicted while still
 * in use is parsed once more.
 */
export class OperationIndex {
  private readonly entries = new Map<string, OperationSummary | GraphQLError>()

  constructor(
    private readonly maxEntries = 500,
    private readonly maxTokens?: number,
  ) {}

  /**
   * The summary of a document. Only documents whose nesting is bounded may be parsed: `beforeParse`
   * runs on a miss, before parsing, and may throw (the guard runs `scanDocument` there, so a
   * document seen before is not scanned again).
   */
  summaryOf(source: string, beforeParse?: () => void): OperationSummary | GraphQLError {
    const known = this.entries.get(source)
    if (known !== undefined) return known
    beforeParse?.()
    let summary: OperationSummary | GraphQLError
    try {
      summary = summarizeOperations(parse(source, { noLocation: true, ...(this.maxTokens ? { maxTokens: this.maxTokens } : {}) }))
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error
      summary = error
    }
    this.entries.set(source, summary)
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    return summary
  }
}
