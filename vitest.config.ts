import { defineConfig } from 'vitest/config';

// One run for the whole repository; each part is a project so `vitest --project server` works.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'shared', root: 'shared', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'server',
          root: 'server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/discovery/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: { name: 'discovery', root: 'server', include: ['test/discovery/**/*.test.ts'] },
      },
      { extends: true, test: { name: 'native', root: 'native', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'gui', root: 'gui', include: ['src/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'e2e', root: 'gui', include: ['test/**/*.e2e.test.ts'], fileParallelism: false },
      },
      {
        extends: true,
        test: { name: 'agent', root: 'agent', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'lab', root: 'test', include: ['lab/**/*.test.ts'], fileParallelism: false },
      },
      { extends: true, test: { name: 'bench', root: 'bench', include: ['**/*.test.ts'] } },
    ],
  },
});
