import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql'

/**
 * NUL (U+0000) or a UTF-16 surrogate without its partner. In unicode mode a regular expression sees
 * a well-formed pair as one code point, so the class below matches only unpaired surrogates.
 * PostgreSQL refuses NUL in text (the driver error would surface as a server error), and a lone
 * surrogate has no UTF-8 form (it would be stored as U+FFFD, silently changed).
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point of this expression
const UNSAFE = /[\u0000\uD800-\uDFFF]/u

export const UNSAFE_STRING_RULE = 'must not contain NUL (U+0000) or unpaired UTF-16 surrogate characters'

export function isUnsafeString(value: string): boolean {
  return UNSAFE.test(value)
}

/**
 * Where the first unsafe string (see `isUnsafeString`) sits in a JSON-like value — a string, or an
 * object key or string anywhere inside objects and arrays — as a path such as `answers[0].answer`
 * (`''` for the value itself); `undefined` when there is none. Walks with an explicit stack, so
 * any nesting depth is safe.
 */
export function findUnsafeString(value: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }]
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!
    if (typeof current === 'string') {
      if (UNSAFE.test(current)) return path
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) stack.push({ value: current[index], path: `${path}[${index}]` })
    } else if (typeof current === 'object' && current !== null) {
      const keys = Object.keys(current)
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index]!
        if (UNSAFE.test(key)) return path === '' ? '(a key)' : `${path} (a key)`
        stack.push({ value: (current as Record<string, unknown>)[key], path: path === '' ? key : `${path}.${key}` })
      }
    }
  }
  return undefined
}

/**
 * The GraphQL error for request variables holding an unsafe string, or `undefined` when all are
 * safe. The message names the variable and the position inside it, never the value.
 */
export function unsafeVariablesError(variables: Record<string, unknown> | null | undefined): GraphQLError | undefined {
  if (!variables) return undefined
  for (const [name, value] of Object.entries(variables)) {
    if (isUnsafeString(name)) return new GraphQLError(`A variable name ${UNSAFE_STRING_RULE}.`)
    const path = findUnsafeString(value)
    if (path !== undefined) {
      return new GraphQLError(`Variable "$${name}" got an invalid value${path === '' ? '' : ` at "${path}"`}; strings ${UNSAFE_STRING_RULE}.`)
    }
  }
  return undefined
}

/**
 * A validation rule refusing string literals (arguments, input fields, list items, variable
 * defaults) that hold an unsafe string, whatever the scalar (String, ID or a custom one). graphql-js
 * already refuses such raw characters in the source; this catches the escapes (`"\u0000"`,
 * `"\uD800"`).
 */
export function safeStringLiteralsRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      if (UNSAFE.test(node.value)) context.reportError(new GraphQLError(`String literals ${UNSAFE_STRING_RULE}.`, { nodes: node }))
    },
  }
}
