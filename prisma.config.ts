// Prisma CLI configuration. The app does not use the CLI at run time: migrations are applied by
// server/src/db/migrator.ts. With internet access, `prisma migrate deploy` works on the same folder.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/netspotter' },
});
