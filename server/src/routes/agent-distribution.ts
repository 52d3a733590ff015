// What a fresh host fetches (no login: it has only its enrolment token, and nothing here is secret): the
// install script and the agent release tarballs. Both are fetched pinned to the server's public key.
import { createReadStream, statSync } from 'node:fs';
import { Type } from 'typebox';
import { ReleaseArchSchema, ReleaseVersionSchema } from '@netspotter/shared/agent-protocol';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../http/schemas.ts';
import { notFound } from '../domain-errors.ts';
import { loadTls } from '../agents/tls.ts';
import { releasePath } from '../agents/releases.ts';
import { renderInstallScript } from '../agents/install-script.ts';

const DownloadParams = Type.Object(
  { version: ReleaseVersionSchema, arch: ReleaseArchSchema },
  { additionalProperties: false },
);

export function agentDistributionRoutes(app: App, ctx: AppContext) {
  const limit = { max: 60, timeWindow: '1 minute' };
  app.get('/agent/install.sh', {
    config: { minRole: 'public', rateLimit: limit },
    schema: {
      tags: ['agent distribution'],
      summary:
        "The agent install script, carrying this server's certificate fingerprint, public-key pin and release digests " +
        '(`curl --pinnedpubkey PIN -k URL | sudo sh -s -- --server URL --token TOKEN`, or `--uninstall`)',
      response: { 200: Type.String() },
    },
    handler: async (_req, reply) => {
      const tls = await loadTls(ctx.config);
      const script = renderInstallScript({
        fingerprint: tls?.fingerprint ?? null,
        publicKeyPin: tls?.publicKeyPin ?? null,
        releases: await ctx.releases.list(),
      });
      return reply.type('text/x-shellscript; charset=utf-8').header('cache-control', 'no-store').send(script);
    },
  });
  app.get('/agent/download/:version/:arch', {
    config: { minRole: 'public', rateLimit: limit },
    schema: {
      tags: ['agent distribution'],
      summary:
        'An agent release tarball (the single executable and its native engine); check it against the SHA-256 ' +
        'the install script or the update offer carries',
      params: DownloadParams,
      response: { 200: Type.Unknown(), ...errors(400, 404) },
    },
    handler: async (req, reply) => {
      const r = await ctx.releases.find(req.params.version, req.params.arch);
      if (!r) throw notFound(`agent release ${req.params.version} for linux-${req.params.arch}`);
      const path = releasePath(ctx.releases.dir, r);
      return reply
        .type('application/gzip')
        .header('content-length', String(statSync(path).size))
        .header('content-disposition', `attachment; filename="${r.file}"`)
        .send(createReadStream(path));
    },
  });
}
