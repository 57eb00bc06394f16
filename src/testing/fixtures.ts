/** Settings shared by the test database builders and the tests. */
export const TEST_PASSWORD = 'test-password-1';
export const TEST_GRIDS = 40;
export const TEST_SECRETS = {
  GRIDLOOP_SESSION_SECRET: 'test-session-secret-0123456789-abcdefghijklmnop',
  GRIDLOOP_DATA_KEY: 'test-data-key-0123456789-abcdefghijklmnopqrstuvwxyz',
};
