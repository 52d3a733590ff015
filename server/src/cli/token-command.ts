import { Command, InvalidArgumentError } from 'commander';
import { CLI_ACTOR } from '../services/audit.ts';
import { createToken, revokeToken } from '../services/api-tokens.ts';
import { withDatabase } from './with-database.ts';

const days = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 3650)
    throw new InvalidArgumentError('must be a whole number of days from 1 to 3650');
  return n;
};

export function tokenCommand(): Command {
  const cmd = new Command('token').description('manage API tokens (run on the server host)');
  cmd
    .command('create')
    .description('create a bearer token acting as a user; the token is printed once')
    .requiredOption('--user <username>', 'the user the token acts as')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--expires-days <n>', 'expire after n days', days)
    .action(async (opts: { user: string; name: string; expiresDays?: number }) => {
      const { token, secret } = await withDatabase((db) =>
        createToken(db, CLI_ACTOR, { username: opts.user, name: opts.name, expiresInDays: opts.expiresDays }),
      );
      console.log(
        `token ${token.id} (${token.prefix}…) for ${token.username}${token.expiresAt ? `, expires ${token.expiresAt}` : ''}:`,
      );
      console.log(secret);
    });
  cmd
    .command('revoke')
    .description('revoke a token by id or by its shown prefix')
    .argument('<id-or-prefix>')
    .action(async (idOrPrefix: string) => {
      const t = await withDatabase((db) => revokeToken(db, CLI_ACTOR, idOrPrefix));
      console.log(`revoked token ${t.id} (${t.name})`);
    });
  return cmd;
}
