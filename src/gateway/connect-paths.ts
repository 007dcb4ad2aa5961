/** Where a partner sends a seller to connect its Square account, and where Square sends the seller back. */
export const CONNECT_PATH = '/oauth/square/connect';
export const CONNECT_CALLBACK_PATH = '/oauth/square/callback';
