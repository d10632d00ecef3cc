import type { GraphQLError } from 'graphql'
import { nestingDepthExceeds, scanDocument, type DocumentLimits } from './document-scan.ts'
import { GraphqlRequestError, readGraphqlEnvelope, type GraphqlEnvelope, type ReadEnvelopeOptions } from './envelope.ts'
import { OperationIndex, selectOperation, type OperationType } from './operation.ts'

export interface GraphqlRequestGuardOptions extends DocumentLimits {
  /** How many documents' operation lists to remember (default 500). */
  cacheSize?: number
}

export interface CheckedGraphqlRequest extends GraphqlEnvelope {
  /** The operation that will run; `undefined` when the document does not parse. */
  operation: OperationType | undefined
  /**
   * Why the document does not parse (graphql-js' own syntax error, with its location). Answer it
   * yourself rather than hand the text to the executor: mercurius, for one, then tries the text as
   * a JSON-encoded AST and runs whatever object it finds.
   */
  syntaxError: GraphQLError | undefined
}

export interface CheckOptions extends ReadEnvelopeOptions {
  /** `http` refuses subscriptions (they need a stream); `websocket` allows them. */
  transport: 'http' | 'websocket'
}

/**
 * Everything a GraphQL endpoint should refuse before graphql-js sees a request, in one call:
 * the envelope's types (`readGraphqlEnvelope`), the document's size, token count and nesting
 * (`scanDocument`, linear and non-recursive), and the operation selection (an unknown
 * `operationName`, several operations and no name, none at all, a subscription over plain HTTP),
 * and the nesting of the variables (within the same `maxNesting`: a coercer or custom scalar that
 * recurses into a 5,000-deep value would overflow the stack).
 * Throws `GraphqlRequestError` (status 400); the app writes it in its own error shape.
 *
 * Variable values are the app's schema's business, except for unsafe strings: see
 * `unsafeVariablesError` and `safeStringLiteralsRule`.
 */
export class GraphqlRequestGuard {
  private readonly operations: OperationIndex

  constructor(private readonly options: GraphqlRequestGuardOptions) {
    this.operations = new OperationIndex(options.cacheSize ?? 500, options.maxTokens)
  }

  check(input: unknown, options: CheckOptions): CheckedGraphqlRequest {
    const envelope = readGraphqlEnvelope(input, options)
    if (envelope.variables && nestingDepthExceeds(envelope.variables, this.options.maxNesting)) {
      throw new GraphqlRequestError('NESTED_TOO_DEEPLY', `The variables nest lists or objects deeper than the limit of ${this.options.maxNesting} levels.`)
    }
    // A document remembered by the index passed the scan when it was first seen.
    const summary = this.operations.summaryOf(envelope.query, () => {
      const problem = scanDocument(envelope.query, this.options)
      if (problem) throw new GraphqlRequestError(problem.reason, problem.message)
    })
    if (!('operations' in summary)) return checked(envelope, undefined, summary)
    const operation = selectOperation(summary, envelope.operationName)
    if (operation === 'subscription' && options.transport === 'http') {
      throw new GraphqlRequestError('SUBSCRIPTION_OVER_HTTP', 'Subscriptions are not served over plain HTTP; subscribe over a WebSocket.')
    }
    return checked(envelope, operation, undefined)
  }
}

/**
 * Written out rather than `{ ...envelope, operation, syntaxError }`: V8 built a new hidden class for
 * every spread-then-extended object here (a profile showed it on each request).
 */
function checked(envelope: GraphqlEnvelope, operation: OperationType | undefined, syntaxError: GraphQLError | undefined): CheckedGraphqlRequest {
  return { query: envelope.query, variables: envelope.variables, operationName: envelope.operationName, operation, syntaxError }
}
