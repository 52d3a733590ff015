// Version negotiation with agents: every agent request may name its release (header), else the
// server knows it from the agent's host facts. A server accepts its own minor version, one minor version
// behind and anything newer; an older agent is refused (426) with the release it should install.
import { AGENT_VERSION_HEADER, agentCompatibility, parseVersion } from '@netspotter/shared/agent-protocol';
import type { FastifyRequest } from 'fastify';
import { DomainError, badRequest } from '../domain-errors.ts';
import { SERVER_VERSION } from '../version.ts';
import { newest, offerOf, type ReleaseCatalog } from './releases.ts';

/** The release the request names in its header, when it names one. */
export function headerVersion(req: FastifyRequest): string | undefined {
  const v = req.headers[AGENT_VERSION_HEADER];
  return typeof v === 'string' ? v : undefined;
}

/** Throws `agent_outdated` (with the newest release for `arch`) for agents too old for this server. */
export async function requireCompatibleAgent(
  version: string | null | undefined,
  arch: string | undefined,
  releases: ReleaseCatalog,
  serverVersion: string = SERVER_VERSION,
): Promise<void> {
  if (!version) return;
  const compatibility = agentCompatibility(version, serverVersion);
  if (compatibility === undefined)
    throw badRequest(
      AGENT_VERSION_HEADER,
      `"${version.slice(0, 64)}" is not a release version (MAJOR.MINOR.PATCH)`,
    );
  if (compatibility !== 'outdated') return;
  const s = parseVersion(serverVersion)!;
  const release = newest(await releases.list(), arch);
  throw new DomainError(
    'agent_outdated',
    `agent ${version} is too old for server ${serverVersion}, which accepts agents from ` +
      `${s.major}.${Math.max(0, s.minor - 1)}.0 on: ${release ? `update it to ${release.version}` : 'update it'}`,
    undefined,
    { serverVersion, update: release ? offerOf(release) : null },
  );
}
