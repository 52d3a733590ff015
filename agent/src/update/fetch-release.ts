// Fetches an offered release over the agent's pinned channel and unpacks it beside the running one,
// only when its SHA-256 is the one the server signed off in the offer: a changed byte anywhere (on the
// server's disk or on the way) refuses the release before anything of it is unpacked or run.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { UpdateOffer } from '@netspotter/shared/agent-protocol';
import type { Transport } from '../client/transport.ts';
import { EXECUTABLE, releaseDir, type InstallLayout } from './install-layout.ts';

const run = promisify(execFile);

/** A release refused for what it is (its digest), not for a passing network failure. */
export class ReleaseRefused extends Error {}

/** Downloads, checks and unpacks the offered release; the folder it is in. */
export async function fetchRelease(
  transport: Transport,
  offer: UpdateOffer,
  layout: InstallLayout,
): Promise<string> {
  const file = join(layout.releases, `${offer.version}.download`);
  const unpacked = `${releaseDir(layout, offer.version)}.new`;
  try {
    const got = await transport.download(offer.path, file);
    if (got.sha256 !== offer.sha256)
      throw new ReleaseRefused(
        `the download of ${offer.version} has SHA-256 ${got.sha256}, not the ${offer.sha256} the server signed off: refused`,
      );
    rmSync(unpacked, { recursive: true, force: true });
    mkdirSync(unpacked, { mode: 0o755 });
    await run('tar', ['-xzf', file, '-C', unpacked, '--no-same-owner']);
    if (!existsSync(join(unpacked, EXECUTABLE)))
      throw new ReleaseRefused(`release ${offer.version} has no ${EXECUTABLE} executable`);
    const dir = releaseDir(layout, offer.version);
    rmSync(dir, { recursive: true, force: true });
    renameSync(unpacked, dir);
    return dir;
  } finally {
    rmSync(file, { force: true });
    rmSync(unpacked, { recursive: true, force: true });
  }
}
