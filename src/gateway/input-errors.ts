import {
  coerceInputValue,
  getNullableType,
  getOperationAST,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLInputType,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { InputFormError } from '../schema/scalars.js';

/**
 * Input errors that say where and what, never what was sent. graphql-js quotes the
 * offending value ("Variable "$input" got invalid value "cnon:…""), which may be a card
 * nonce or a verification token, and gives coercion errors no code. Here every error about
 * a variable or an inline value names its path (`input.amountMoney.amount`) and the
 * expected form, carries `extensions.code: BAD_USER_INPUT` and `extensions.field`, and
 * quotes nothing of the value. Variables are counted before they are coerced: past
 * MAX_VARIABLE_VALUES they are refused unread, and no more than MAX_VARIABLE_ERRORS of
 * their errors are worded. With `hideSuggestions` (introspection off) no error suggests
 * a field's name.
 */
export function inputErrors({ hideSuggestions }: { hideSuggestions: boolean }): Plugin {
  return {
    onValidate({ params }) {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(withValuePaths(params.schema, params.documentAST, result as ReadonlyArray<GraphQLError>));
      };
    },
    onExecute({ args, setResultAndStopExecution }) {
      const errors = variableErrors(args, hideSuggestions);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const errors = variableErrors(args, hideSuggestions);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}

const BUILT_IN_FORMS: Record<string, string> = {
  String: 'a String',
  Int: 'an Int: a whole number from -2147483648 to 2147483647',
  Float: 'a Float: a number',
  Boolean: 'a Boolean: true or false',
  ID: 'an ID: a string (or an Int)',
};
/** Enums up to this size are listed in full; Currency's 180 values are not. */
const LISTED_ENUM_VALUES = 12;

/** What a value of `type` must look like, in words. */
export function expectedForm(type: GraphQLInputType): string {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return `a list, each item ${expectedForm(nullable.ofType)}`;
  if (isInputObjectType(nullable)) return `a ${nullable.name} object`;
  if (isEnumType(nullable)) {
    const values = nullable.getValues().map((v) => v.name);
    return values.length <= LISTED_ENUM_VALUES ? `one of ${values.join(', ')}` : `a value of the ${nullable.name} enum`;
  }
  return BUILT_IN_FORMS[nullable.name] ?? `a ${nullable.name}`;
}

/**
 * The messages graphql-js words without quoting the value: a missing or null value, a
 * wrong shape, a field the type lacks (named by the caller's key). Every other refusal
 * (a scalar's or an enum's, which quote the value) is replaced by the expected form.
 */
const UNQUOTED =
  /^(Expected non-nullable type "[^"]+" not to be null\.|Expected type "[^"]+" to be an object\.|Field "[^"]+" (of required type "[^"]+" was not provided|is not defined by type "[^"]+"|must be non-null)|Exactly one key must be specified|OneOf Input Object "[^"]+" must specify exactly one key)/;

/** Why a value was refused: graphql-js's words when they quote nothing, our scalars' own, or the expected form. */
function reason(error: GraphQLError, type: GraphQLInputType | undefined): string {
  if (UNQUOTED.test(error.message)) return error.message;
  if (error.originalError instanceof InputFormError) return error.originalError.message;
  return type ? `Expected ${expectedForm(type)}.` : 'Expected a value of another form.';
}

function badInput(message: string, nodes: ReadonlyArray<ASTNode> | ASTNode | undefined, field: string): GraphQLError {
  // Request errors, as graphql-js's: 400 for application/graphql-response+json, 200 for application/json.
  return new GraphQLError(message, { nodes, extensions: { code: 'BAD_USER_INPUT', field, http: { spec: true, status: 400 } } });
}

const printPath = (path: ReadonlyArray<string | number>) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');

/** The type a coercion error at `path` (below a variable of type `type`) is about. */
function typeAt(type: GraphQLInputType, path: ReadonlyArray<string | number>): GraphQLInputType | undefined {
  let current: GraphQLInputType | undefined = type;
  for (const segment of path) {
    const nullable: GraphQLInputType | undefined = current && getNullableType(current);
    if (typeof segment === 'number') current = isListType(nullable) ? (nullable.ofType as GraphQLInputType) : undefined;
    else current = isInputObjectType(nullable) ? nullable.getFields()[segment]?.type : undefined;
  }
  return current;
}

/**
 * Values one request's variables may hold in all (every object, list, item and field
 * value): each is coerced, and each unknown field refused with an error of its own. A
 * 500-line order takes a few thousand.
 */
export const MAX_VARIABLE_VALUES = 10_000;

/** Errors worded about one request's variables; graphql-js itself stops at as many. */
const MAX_VARIABLE_ERRORS = 50;

/** Whether `variables` hold more than `limit` values, counted without recursion and no further than the limit. */
function holdsMoreValues(variables: Record<string, unknown>, limit: number): boolean {
  const pending: unknown[] = [variables];
  let count = 0;
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
      if (++count > limit) return true;
      pending.push(item);
    }
  }
  return false;
}

/** Thrown from coercion's error callback once MAX_VARIABLE_ERRORS were worded, to stop it there. */
const ENOUGH_ERRORS = Symbol('enough variable errors');

/**
 * The variables' errors, checked as graphql-js checks them before executing, but
 * worded here; none means graphql-js will accept them too.
 */
function variableErrors(args: ExecutionArgs, hideSuggestions: boolean): GraphQLError[] {
  const operation = getOperationAST(args.document, args.operationName);
  const inputs = args.variableValues ?? {};
  if (holdsMoreValues(inputs, MAX_VARIABLE_VALUES)) {
    return [
      new GraphQLError(
        `The variables hold more than ${MAX_VARIABLE_VALUES} values; the gateway takes at most ${MAX_VARIABLE_VALUES} in one request. Split it.`,
        { extensions: { code: 'BAD_USER_INPUT', limit: MAX_VARIABLE_VALUES, http: { spec: true, status: 400 } } },
      ),
    ];
  }
  const errors: GraphQLError[] = [];
  const report = (error: GraphQLError) => {
    if (errors.length === MAX_VARIABLE_ERRORS) throw ENOUGH_ERRORS;
    errors.push(error);
  };
  try {
    for (const definition of operation?.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      const type = typeFromAST(args.schema, definition.type) as GraphQLInputType | undefined;
      if (!type) continue; // validation has reported it
      if (!Object.hasOwn(inputs, name)) {
        if (isNonNullType(type) && !definition.defaultValue) {
          report(badInput(`Variable "$${name}" of required type "${String(type)}" was not provided.`, definition, name));
        }
        continue;
      }
      const value = inputs[name];
      if (value === null && isNonNullType(type)) {
        report(badInput(`Variable "$${name}" of non-null type "${String(type)}" must not be null.`, definition, name));
        continue;
      }
      coerceInputValue(value, type, (path, _invalid, error) => report(variableError(definition, type, path, error)), hideSuggestions);
    }
  } catch (error) {
    if (error !== ENOUGH_ERRORS) throw error;
    errors.push(
      new GraphQLError(`The variables have more than ${MAX_VARIABLE_ERRORS} errors; the rest were not checked.`, {
        extensions: { code: 'BAD_USER_INPUT', http: { spec: true, status: 400 } },
      }),
    );
  }
  return errors;
}

function variableError(
  definition: VariableDefinitionNode,
  type: GraphQLInputType,
  path: ReadonlyArray<string | number>,
  error: GraphQLError,
): GraphQLError {
  const name = definition.variable.name.value;
  const field = `${name}${printPath(path)}`;
  const message = `Variable "$${name}" got an invalid value${path.length > 0 ? ` at "${field}"` : ''}: ${reason(error, typeAt(type, path))}`;
  return badInput(message, definition, field);
}

const VALUE_KINDS = new Set<string>([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.OBJECT_FIELD,
]);

/**
 * Validation's errors about inline values (ValuesOfCorrectTypeRule, which prints the
 * value) reworded with the value's path from its argument and the expected form.
 */
function withValuePaths(schema: GraphQLSchema, document: DocumentNode, errors: ReadonlyArray<GraphQLError>): GraphQLError[] {
  const about = (error: GraphQLError) => {
    const node = error.nodes?.[0];
    return !error.extensions.code && node && VALUE_KINDS.has(node.kind) ? node : undefined;
  };
  const targets = new Set(errors.map(about).filter((node) => node !== undefined));
  if (targets.size === 0) return [...errors];
  const found = locateValues(schema, document, targets);
  return errors.map((error) => {
    const node = about(error);
    const location = node && found.get(node);
    if (!node || !location) return error;
    return badInput(`Invalid value at "${location.path}": ${reason(error, location.type)}`, error.nodes, location.path);
  });
}

/** Each target value's path (`input.amountMoney.amount`, `ids[2]`, `$var.field` in a default) and expected type. */
function locateValues(
  schema: GraphQLSchema,
  document: DocumentNode,
  targets: ReadonlySet<ASTNode>,
): Map<ASTNode, { path: string; type: GraphQLInputType | undefined }> {
  const typeInfo = new TypeInfo(schema);
  const segments: Array<string | undefined> = [];
  const found = new Map<ASTNode, { path: string; type: GraphQLInputType | undefined }>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      enter(node, key, parent) {
        let segment: string | undefined;
        if (node.kind === Kind.ARGUMENT) segment = node.name.value;
        else if (node.kind === Kind.VARIABLE_DEFINITION) segment = `$${node.variable.name.value}`;
        else if (node.kind === Kind.OBJECT_FIELD) segment = `.${node.name.value}`;
        // Values sit in an array only as a list's items.
        else if (Array.isArray(parent) && VALUE_KINDS.has(node.kind)) segment = `[${String(key)}]`;
        segments.push(segment);
        if (targets.has(node)) found.set(node, { path: segments.join('').replace(/^\./, ''), type: typeInfo.getInputType() ?? undefined });
      },
      leave() {
        segments.pop();
      },
    }),
  );
  return found;
}
