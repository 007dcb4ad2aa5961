/** The query GraphiQL opens with: one customer with everything nested. */
export const EXAMPLE_QUERY = /* GraphQL */ `# A customer with cards on file, gift cards, recent orders and the payments behind them.
query CustomerOverview {
  customers(first: 3) {
    edges {
      node {
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
              totalMoney { amount currency formatted }
              lineItems { name quantity totalMoney { formatted } }
              location { name }
            }
          }
          pageInfo { hasNextPage endCursor }
        }
        payments(first: 5) {
          edges {
            node {
              status
              sourceType
              totalMoney { formatted }
              cardDetails { card { cardBrand last4 } entryMethod }
              refundedMoney { formatted }
            }
          }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
