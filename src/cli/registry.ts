/**
 * `gridloop import persons|households|buildings|places|components FILE` and `gridloop export … --out FILE`: the
 * same engine as the API, run in this process as the system (the whole territory), with a progress bar.
 */
import { createWriteStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { systemCaller } from '../db/caller.ts';
import type { Database } from '../db/database.ts';
import type { Config } from '../server/config.ts';
import { REGISTRY_KINDS } from '../server/modules/registry/columns.ts';
import { csvChunks, type ExportRow, writeXlsx } from '../server/modules/registry/export-stream.ts';
import { RegistryService } from '../server/modules/registry/service.ts';
import { TerritoryService } from '../server/modules/territory/service.ts';
import { progress } from './progress.ts';

type WithDb = <T>(fn: (db: Database, config: Config) => Promise<T>) => Promise<T>;

async function openRegistry(db: Database, config: Config): Promise<RegistryService> {
  const territory = new TerritoryService(db);
  // Rows are placed in grids through the in-process index, as in the server.
  await territory.rebuildIndex();
  return new RegistryService(db, territory, config);
}

export function registerRegistryCommands(importCmd: Command, exportCmd: Command, withDb: WithDb): void {
  for (const kind of REGISTRY_KINDS) {
    importCmd
      .command(`${kind} <file>`)
      .description(`import ${kind} from a CSV (UTF-8, GBK, GB18030) or XLSX file; bad rows are refused and reported`)
      .option('--mode <mode>', 'a record already registered: update it, or skip the row', (v) => {
        if (v !== 'update' && v !== 'skip') throw new InvalidArgumentError('must be update or skip');
        return v;
      }, 'skip')
      .option('--errors <file>', 'write the error report (row, column, code, problem) to this CSV file')
      .option('--mapping <json>', 'column overrides as JSON: {"header text": "field"} ("" ignores a column)')
      .action(async (file: string, opts: { mode: 'update' | 'skip'; errors?: string; mapping?: string }) => {
        let mapping: Record<string, string> = {};
        if (opts.mapping) {
          try {
            mapping = JSON.parse(opts.mapping) as Record<string, string>;
          } catch {
            throw new Error('--mapping is not JSON');
          }
        }
        const size = statSync(file).size;
        await withDb(async (db, config) => {
          const registry = await openRegistry(db, config);
          const caller = systemCaller('cli-import');
          const bar = progress(`import ${kind}`);
          const started = Date.now();
          // The bar measures bytes (what is known ahead); the label says rows and their rate.
          registry.afterBatch = (_id, c) => {
            const secs = Math.max(0.001, (Date.now() - started) / 1000);
            bar.update(c.bytesRead, size, `${c.read} rows, ${Math.round(c.read / secs)} rows/s`);
          };
          const { id } = await registry.startImport(caller, { kind, mode: opts.mode, path: file, fileName: basename(file), bytesTotal: size, mapping });
          await registry.wait(id);
          bar.stop();
          const st = await registry.importStatus(caller, id);
          if (opts.errors) await pipeline(Readable.from(csvChunks(registry.importErrors(caller, id, 'en'))), createWriteStream(opts.errors));
          const summary =
            `read ${st.rowsRead}, written ${st.rowsWritten}, updated ${st.rowsUpdated}, skipped ${st.rowsSkipped}, ` +
            `refused ${st.rowsRefused}`;
          if (st.status !== 'done') throw new Error(`import ${st.status}${st.message ? `: ${st.message}` : ''}; nothing was changed (${summary})`);
          console.log(`${file}: ${summary}${st.rowsRefused > 0 && !opts.errors ? ' (use --errors FILE for the report)' : ''}`);
        });
      });

    exportCmd
      .command(kind)
      .description(`export ${kind} (personal fields masked unless --unmasked with a reason); the export is audited`)
      .requiredOption('--out <file>', 'output file')
      .option('--format <format>', 'csv or xlsx', (v) => {
        if (v !== 'csv' && v !== 'xlsx') throw new InvalidArgumentError('must be csv or xlsx');
        return v;
      }, 'csv')
      .option('--unmasked', 'ID numbers and phones in clear (needs --reason)')
      .option('--reason <text>', 'why the export needs clear personal data (audited)')
      .action(async (opts: { out: string; format: 'csv' | 'xlsx'; unmasked?: boolean; reason?: string }) => {
        if (opts.unmasked && !opts.reason) throw new InvalidArgumentError('--unmasked needs --reason');
        await withDb(async (db, config) => {
          const registry = await openRegistry(db, config);
          const rows = registry.exportRows(systemCaller('cli-export'), kind, opts.unmasked && opts.reason ? { reveal: { reason: opts.reason } } : {});
          let n = 0;
          const counted = (async function* (): AsyncGenerator<ExportRow> {
            for await (const r of rows) {
              n++;
              yield r;
            }
          })();
          // Streamed page by page into the file, in either format: an export of millions of rows never sits in memory.
          if (opts.format === 'xlsx') await writeXlsx(kind, counted, createWriteStream(opts.out));
          else await pipeline(Readable.from(csvChunks(counted)), createWriteStream(opts.out));
          console.log(`wrote ${n} ${kind} to ${opts.out}`);
        });
      });
  }
}
