// The `netspotter` command line, run as a user would run it, against a real database.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const BIN = fileURLToPath(new URL('../../../bin/netspotter.js', import.meta.url));

// Each invocation starts Node + tsx and opens the database (a few seconds on a busy 2-core box).
describe('netspotter CLI', { timeout: 300_000 }, () => {
  let tdb: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    env = {
      ...process.env,
      NETSPOTTER_DATA_DIR: tdb.dataDir,
      ...(tdb.databaseUrl && { DATABASE_URL: tdb.databaseUrl }),
    };
  });
  afterAll(() => tdb?.drop());

  const cli = (args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: { ...env, ...extraEnv },
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('shows help for every command', () => {
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['server', 'user', 'token', 'migrate']) expect(top.out).toContain(c);
    // Subcommand help is checked in-process: the same commander tree, without a process start each.
    const walk = (cmd: Command, path: string[]): string[][] => [
      path,
      ...cmd.commands.flatMap((c) => walk(c, [...path, c.name()])),
    ];
    const paths = walk(buildProgram(), []).slice(1);
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining([
        'server',
        'user add',
        'user list',
        'user passwd',
        'token create',
        'token revoke',
        'migrate',
      ]),
    );
    for (const path of paths) {
      const cmd = path.reduce<Command>(
        (c, name) => c.commands.find((x) => x.name() === name)!,
        buildProgram(),
      );
      expect(cmd.helpInformation(), path.join(' ')).toMatch(/^Usage: netspotter /);
      expect(cmd.description(), path.join(' ')).not.toBe('');
    }
  });

  it('migrates, adds and lists users, changes a password, creates and revokes a token', () => {
    expect(cli(['migrate']).out).toMatch(/applied \d+ migration\(s\)/);
    const add = cli(['user', 'add', 'erin', '--role', 'operator']);
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/created operator erin; password: \S{20}/);
    expect(cli(['user', 'add', 'frank', '--password-stdin'], 'frank-secret-1\n').out).toBe(
      'created viewer frank\n',
    );
    const list = JSON.parse(cli(['user', 'list', '--json']).out);
    expect(list.map((u: { username: string; role: string }) => `${u.username}:${u.role}`)).toEqual([
      'erin:operator',
      'frank:viewer',
    ]);
    expect(cli(['user', 'passwd', 'frank', '--password-stdin'], 'frank-secret-2').out).toBe(
      'password of frank changed\n',
    );
    const token = cli(['token', 'create', '--user', 'erin', '--name', 'ci', '--expires-days', '30']);
    expect(token.code).toBe(0);
    const [info, secret] = token.out.trim().split('\n');
    expect(secret).toMatch(/^nst_/);
    const id = /token (\S+) /.exec(info!)![1]!;
    expect(cli(['token', 'revoke', id]).out).toMatch(/revoked token/);
  });

  it('prints one clear line for bad input', () => {
    const dup = cli(['user', 'add', 'erin']);
    expect(dup.code).toBe(2);
    expect(dup.err).toBe('netspotter: user erin already exists\n');
    expect(cli(['user', 'add', 'gina', '--role', 'root']).err).toMatch(
      /Allowed choices are admin, operator, viewer/,
    );
    expect(cli(['token', 'create', '--user', 'nobody', '--name', 'x']).err).toBe(
      'netspotter: username: no user named nobody\n',
    );
    expect(cli(['token', 'create', '--user', 'erin', '--name', 'x', '--expires-days', 'soon']).err).toMatch(
      /must be a whole number of days/,
    );
    expect(cli(['token', 'revoke', 'nope']).err).toBe('netspotter: token not found\n');
    expect(cli(['migrate'], undefined, { PORT: 'x' }).err).toMatch(/^netspotter: invalid setting PORT/);
    expect(cli(['user', 'passwd', 'frank', '--password-stdin'], 'short').err).toBe(
      'netspotter: password: must be at least 8 characters\n',
    );
  });
});
