/** Staff callers for the benchmarks: a grid worker of one grid and a leader of one district, as the API builds them. */
import type { Role, UserCaller } from '../../src/db/caller.ts';
import type { BenchDb } from './db.ts';

export interface Node {
  id: string;
  code: string;
  path: string;
  level: string;
  name: string;
}

export function callerAt(node: Node, role: Role): UserCaller {
  return {
    kind: 'user',
    userId: '00000000-0000-7000-8000-00000000b0b0',
    username: `bench-${role}`,
    assignments: [{ role, jurisdictionId: node.id, jurisdictionPath: node.path }],
    departmentId: null,
    tokenId: null,
    capabilities: null,
  };
}

/**
 * The node a benchmark measures at a level: the one with the most persons (or cases) among the first few, so that a
 * scope is a heavy one, not an empty corner.
 */
export async function busiestNode(b: BenchDb, level: 'district' | 'street' | 'community' | 'grid', table: 'person' | 'cases'): Promise<Node> {
  const column = level === 'grid' ? 'grid_id' : `${level}_id`;
  const { rows } = await b.admin.query<Node>(
    `with top as (select ${column} as id, count(*) as n from ${table} tablesample system (1) repeatable (42) where ${column} is not null group by 1 order by 2 desc limit 1)
     select j.id::text as id, j.code, j.path::text as path, j.level, j.name_zh_hans as name from top join jurisdiction j on j.id = top.id`,
  );
  if (rows[0]) return rows[0];
  const { rows: any } = await b.admin.query<Node>(
    `select id::text as id, code, path::text as path, level, name_zh_hans as name from jurisdiction where level = $1 and valid_to is null order by code limit 1`,
    [level],
  );
  if (!any[0]) throw new Error(`bench: no ${level} in the city`);
  return any[0];
}
