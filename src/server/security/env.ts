import { buildTestEnv, type TestEnv } from '../../testing/context.ts';
import { captureRoutes, type ErrorLog, type RouteInfo } from './route-table.ts';

export interface SecurityEnv extends TestEnv {
  routes: RouteInfo[];
  errors: ErrorLog;
  close(): Promise<void>;
}

/**
 * A private environment (database of its own) with the live route table. Private because the fuzzer writes whatever
 * passes validation (calendars, categories, users) and the access matrix revokes tokens and ends sessions: neither
 * may disturb the worker's shared database.
 */
export async function securityEnv(suffix: string): Promise<SecurityEnv> {
  const { result: env, routes, errors } = await captureRoutes(() => buildTestEnv({ suffix }));
  return {
    ...env,
    routes,
    errors,
    close: async () => {
      await env.app.close();
      await env.db.close();
    },
  };
}
