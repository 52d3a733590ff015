// The real server (real database, real migrations) listening over HTTPS (its generated certificate,
// as `npm start` serves) on a loopback port and serving the built GUI from gui/dist, for the browser.
import { existsSync } from 'node:fs';
import {
  ADMIN_PASSWORD,
  startTestServer,
  type TestServer,
} from '../../../server/test/support/test-server.ts';
import type { Config } from '../../../server/src/config/config.ts';
import { GUI_DIST } from '../../../server/src/routes/gui.ts';

export { ADMIN_PASSWORD };

export interface AppServer {
  server: TestServer;
  url: string;
  /** Creates a user through the API (as admin) and returns its password. */
  addUser(username: string, role: 'viewer' | 'operator' | 'admin'): Promise<string>;
  close(): Promise<void>;
}

/** `config` overrides the test server's settings (e.g. the agent artifact folder). */
export async function startAppServer(config: Partial<Config> = {}): Promise<AppServer> {
  if (!existsSync(`${GUI_DIST}/index.html`))
    throw new Error(`${GUI_DIST} has no build: run "npm run build" first`);
  const server = await startTestServer({ logLevel: 'warn', tls: 'on', ...config });
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    server,
    url: address,
    async addUser(username, role) {
      const password = `${role}-password-1`;
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: await server.as('admin'),
        payload: { username, password, role },
      });
      if (res.statusCode !== 201) throw new Error(`creating ${username} failed: ${res.body}`);
      return password;
    },
    close: () => server.destroy(),
  };
}
