import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * With INTROSPECTION=false: `__schema` and `__type` are refused while the document is
 * validated (INTROSPECTION_DISABLED), so that the schema is only what the operator
 * publishes, and validation suggests no names ("Did you mean …?"), which would spell it
 * out too. `__typename` stays: clients need it to tell union members apart.
 */
export function introspectionOff(): Plugin {
  return {
    onValidate({ addValidationRule, validateFn, setValidationFn }) {
      addValidationRule(noIntrospection);
      setValidationFn((schema, document, rules, options, typeInfo) =>
        validateFn(schema, document, rules, { ...options, hideSuggestions: true }, typeInfo),
      );
    },
  };
}

function noIntrospection(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const name = node.name.value;
      if (name !== '__schema' && name !== '__type') return;
      context.reportError(
        new GraphQLError(`Introspection is turned off on this gateway ("${name}"): the schema is published as schema/schema.graphql.`, {
          nodes: [node],
          extensions: { code: 'INTROSPECTION_DISABLED' },
        }),
      );
    },
  };
}
