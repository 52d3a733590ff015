import { Command, Option } from 'commander';
import type { Role } from '../db/generated/client.ts';
import { generatePassword } from '../security/passwords.ts';
import { CLI_ACTOR } from '../services/audit.ts';
import { ROLES, createUser, toPublicUser, updateUser } from '../services/users.ts';
import { DomainError } from '../domain-errors.ts';
import { readStdin, withDatabase } from './with-database.ts';

/** The password from stdin when asked, else a generated one that is printed once. */
async function choosePassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: await readStdin(), generated: false };
  return { password: generatePassword(), generated: true };
}

export function userCommand(): Command {
  const cmd = new Command('user').description(
    'manage users (run on the server host; uses the configured database)',
  );
  cmd
    .command('add')
    .description('create a user; prints a generated password unless --password-stdin is given')
    .argument('<username>')
    .addOption(new Option('--role <role>', 'admin, operator or viewer').choices(ROLES).default('viewer'))
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { role: Role; passwordStdin?: boolean }) => {
      const { password, generated } = await choosePassword(Boolean(opts.passwordStdin));
      const user = await withDatabase((db) => createUser(db, CLI_ACTOR, username, password, opts.role));
      console.log(`created ${user.role} ${user.username}${generated ? `; password: ${password}` : ''}`);
    });
  cmd
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const users = await withDatabase(async (db) =>
        (await db.prisma.user.findMany({ orderBy: { username: 'asc' } })).map(toPublicUser),
      );
      if (opts.json) console.log(JSON.stringify(users, null, 2));
      else
        for (const u of users)
          console.log(`${u.username.padEnd(24)} ${u.role.padEnd(9)} ${u.disabled ? 'disabled' : 'enabled'}`);
    });
  cmd
    .command('passwd')
    .description('set a user’s password; prints a generated one unless --password-stdin is given')
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      const { password, generated } = await choosePassword(Boolean(opts.passwordStdin));
      await withDatabase(async (db) => {
        const user = await db.prisma.user.findUnique({ where: { username } });
        if (!user) throw new DomainError('not_found', `no user named ${username}`);
        await updateUser(db, CLI_ACTOR, user.id, { password });
      });
      console.log(`password of ${username} changed${generated ? `; new password: ${password}` : ''}`);
    });
  return cmd;
}
