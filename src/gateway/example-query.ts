/**
 * The query GraphiQL opens with: one customer with everything nested. The customer is a
 * variable, so that GraphiQL can open on a customer who has all of it (GatewayOptions.exampleVariables).
 */
export const EXAMPLE_QUERY = /* GraphQL */ `# A customer with cards on file, gift cards, and recent orders with the payments behind them.
# customerId (in Variables below) takes a customer's id or squareId; Run (▶ or Ctrl-Enter) fetches it.
query Example($customerId: ID!) {
  customer(id: $customerId) {
    id
    givenName
    familyName
    emailAddress
    cards { cardBrand last4 expMonth expYear enabled }
    giftCards { gan state balanceMoney { formatted } }
    orders(first: 5) {
      edges {
        node {
          squareId
          state
          createdAt
          location { name }
          lineItems { name quantity totalMoney { formatted } }
          totalMoney { amount currency formatted }
          payments {
            status
            sourceType
            totalMoney { formatted }
            cardDetails { card { cardBrand last4 } entryMethod }
            refundedMoney { formatted }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`;
