import { GraphQLError, Kind, type ASTNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ASTVisitor } from 'graphql'

/**
 * A validation rule refusing operations nested deeper than `maxDepth` fields (fragments followed).
 * Hostile documents of the `a { a { a { … } } }` kind stop here, before any resolver runs.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>()
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
    }
    const depthOf = (selectionSet: SelectionSetNode | undefined, depth: number, visiting: Set<string>): number => {
      if (!selectionSet || depth > maxDepth) return depth
      let deepest = depth
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          deepest = Math.max(deepest, selection.selectionSet ? depthOf(selection.selectionSet, depth + 1, visiting) : depth + 1)
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, depth, visiting))
        } else {
          const name = selection.name.value
          const fragment = fragments.get(name)
          if (!fragment || visiting.has(name)) continue // unknown or cyclic fragments are reported by other rules
          visiting.add(name)
          deepest = Math.max(deepest, depthOf(fragment.selectionSet, depth, visiting))
          visiting.delete(name)
        }
        if (deepest > maxDepth) break
      }
      return deepest
    }
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, 0, new Set())
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`The operation is nested deeper than the limit of ${maxDepth} levels.`, { nodes: node as ASTNode }))
        }
        return false
      },
    }
  }
}
