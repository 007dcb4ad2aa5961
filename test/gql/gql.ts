/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query CustomerOverview($first: Int!, $after: String, $ordersFirst: Int!) {\n  customers(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        squareId\n        givenName\n        familyName\n        emailAddress\n        phoneNumber\n        version\n        cards {\n          id\n          squareId\n          cardBrand\n          last4\n          expMonth\n          expYear\n          enabled\n          fingerprint\n        }\n        giftCards {\n          squareId\n          gan\n          state\n          balanceMoney {\n            amount\n            currency\n            formatted\n          }\n        }\n        orders(first: $ordersFirst) {\n          edges {\n            node {\n              squareId\n              state\n              totalMoney {\n                amount\n                currency\n              }\n              lineItems {\n                name\n                quantity\n              }\n              tenders {\n                type\n                payment {\n                  squareId\n                }\n              }\n            }\n          }\n          pageInfo {\n            hasNextPage\n          }\n        }\n        payments(first: 100) {\n          edges {\n            node {\n              squareId\n              status\n              sourceType\n              totalMoney {\n                amount\n                currency\n                formatted\n              }\n              cardDetails {\n                card {\n                  cardBrand\n                  last4\n                }\n                entryMethod\n              }\n            }\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.CustomerOverviewDocument,
    "query DemoCustomerLineage($id: ID!) {\n  customer(id: $id) {\n    squareId\n    mergedFrom\n  }\n}": typeof types.DemoCustomerLineageDocument,
    "query CustomerById($id: ID!) {\n  customer(id: $id) {\n    id\n    squareId\n    givenName\n  }\n}\n\nquery OrderWithCustomer($id: ID!) {\n  order(id: $id) {\n    squareId\n    customer {\n      squareId\n    }\n    payments {\n      squareId\n      customer {\n        squareId\n      }\n    }\n  }\n}\n\nquery NodeLookup($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    id\n    __typename\n  }\n}": typeof types.CustomerByIdDocument,
};
const documents: Documents = {
    "query CustomerOverview($first: Int!, $after: String, $ordersFirst: Int!) {\n  customers(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        squareId\n        givenName\n        familyName\n        emailAddress\n        phoneNumber\n        version\n        cards {\n          id\n          squareId\n          cardBrand\n          last4\n          expMonth\n          expYear\n          enabled\n          fingerprint\n        }\n        giftCards {\n          squareId\n          gan\n          state\n          balanceMoney {\n            amount\n            currency\n            formatted\n          }\n        }\n        orders(first: $ordersFirst) {\n          edges {\n            node {\n              squareId\n              state\n              totalMoney {\n                amount\n                currency\n              }\n              lineItems {\n                name\n                quantity\n              }\n              tenders {\n                type\n                payment {\n                  squareId\n                }\n              }\n            }\n          }\n          pageInfo {\n            hasNextPage\n          }\n        }\n        payments(first: 100) {\n          edges {\n            node {\n              squareId\n              status\n              sourceType\n              totalMoney {\n                amount\n                currency\n                formatted\n              }\n              cardDetails {\n                card {\n                  cardBrand\n                  last4\n                }\n                entryMethod\n              }\n            }\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.CustomerOverviewDocument,
    "query DemoCustomerLineage($id: ID!) {\n  customer(id: $id) {\n    squareId\n    mergedFrom\n  }\n}": types.DemoCustomerLineageDocument,
    "query CustomerById($id: ID!) {\n  customer(id: $id) {\n    id\n    squareId\n    givenName\n  }\n}\n\nquery OrderWithCustomer($id: ID!) {\n  order(id: $id) {\n    squareId\n    customer {\n      squareId\n    }\n    payments {\n      squareId\n      customer {\n        squareId\n      }\n    }\n  }\n}\n\nquery NodeLookup($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    id\n    __typename\n  }\n}": types.CustomerByIdDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CustomerOverview($first: Int!, $after: String, $ordersFirst: Int!) {\n  customers(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        squareId\n        givenName\n        familyName\n        emailAddress\n        phoneNumber\n        version\n        cards {\n          id\n          squareId\n          cardBrand\n          last4\n          expMonth\n          expYear\n          enabled\n          fingerprint\n        }\n        giftCards {\n          squareId\n          gan\n          state\n          balanceMoney {\n            amount\n            currency\n            formatted\n          }\n        }\n        orders(first: $ordersFirst) {\n          edges {\n            node {\n              squareId\n              state\n              totalMoney {\n                amount\n                currency\n              }\n              lineItems {\n                name\n                quantity\n              }\n              tenders {\n                type\n                payment {\n                  squareId\n                }\n              }\n            }\n          }\n          pageInfo {\n            hasNextPage\n          }\n        }\n        payments(first: 100) {\n          edges {\n            node {\n              squareId\n              status\n              sourceType\n              totalMoney {\n                amount\n                currency\n                formatted\n              }\n              cardDetails {\n                card {\n                  cardBrand\n                  last4\n                }\n                entryMethod\n              }\n            }\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query CustomerOverview($first: Int!, $after: String, $ordersFirst: Int!) {\n  customers(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n        squareId\n        givenName\n        familyName\n        emailAddress\n        phoneNumber\n        version\n        cards {\n          id\n          squareId\n          cardBrand\n          last4\n          expMonth\n          expYear\n          enabled\n          fingerprint\n        }\n        giftCards {\n          squareId\n          gan\n          state\n          balanceMoney {\n            amount\n            currency\n            formatted\n          }\n        }\n        orders(first: $ordersFirst) {\n          edges {\n            node {\n              squareId\n              state\n              totalMoney {\n                amount\n                currency\n              }\n              lineItems {\n                name\n                quantity\n              }\n              tenders {\n                type\n                payment {\n                  squareId\n                }\n              }\n            }\n          }\n          pageInfo {\n            hasNextPage\n          }\n        }\n        payments(first: 100) {\n          edges {\n            node {\n              squareId\n              status\n              sourceType\n              totalMoney {\n                amount\n                currency\n                formatted\n              }\n              cardDetails {\n                card {\n                  cardBrand\n                  last4\n                }\n                entryMethod\n              }\n            }\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DemoCustomerLineage($id: ID!) {\n  customer(id: $id) {\n    squareId\n    mergedFrom\n  }\n}"): (typeof documents)["query DemoCustomerLineage($id: ID!) {\n  customer(id: $id) {\n    squareId\n    mergedFrom\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CustomerById($id: ID!) {\n  customer(id: $id) {\n    id\n    squareId\n    givenName\n  }\n}\n\nquery OrderWithCustomer($id: ID!) {\n  order(id: $id) {\n    squareId\n    customer {\n      squareId\n    }\n    payments {\n      squareId\n      customer {\n        squareId\n      }\n    }\n  }\n}\n\nquery NodeLookup($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    id\n    __typename\n  }\n}"): (typeof documents)["query CustomerById($id: ID!) {\n  customer(id: $id) {\n    id\n    squareId\n    givenName\n  }\n}\n\nquery OrderWithCustomer($id: ID!) {\n  order(id: $id) {\n    squareId\n    customer {\n      squareId\n    }\n    payments {\n      squareId\n      customer {\n        squareId\n      }\n    }\n  }\n}\n\nquery NodeLookup($ids: [ID!]!) {\n  nodes(ids: $ids) {\n    id\n    __typename\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;