import { Command } from 'commander';
import { loadConfig } from '../config/config.ts';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations (the server also does this at start)')
    .action(async () => {
      const config = loadConfig();
      const { openDatabase } = await import('../db/connect.ts');
      const { migrate } = await import('../db/migrator.ts');
      const db = await openDatabase(config);
      try {
        const r = await migrate(db.sql);
        console.log(
          `applied ${r.applied.length} migration(s)${r.applied.length ? `: ${r.applied.join(', ')}` : ''}; ${r.alreadyApplied.length} already applied`,
        );
      } finally {
        await db.close();
      }
    });
}
