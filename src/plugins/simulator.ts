import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import { Simulator } from '../sim/simulator.ts';

declare module 'fastify' {
  interface FastifyInstance {
    simulator: Simulator | undefined;
  }
}

/**
 * The simulator inside the server (OMIS_SIMULATOR): it starts once the app is ready and stops before
 * the server closes (preClose), so a tick in progress commits or rolls back before the database
 * goes away.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    if (!config.OMIS_SIMULATOR) {
      app.decorate('simulator', undefined);
      return;
    }
    const simulator = new Simulator(app.db, { stepMs: config.OMIS_SIMULATOR_STEP_MS, log: app.log });
    app.decorate('simulator', simulator);
    app.addHook('onReady', async () => {
      simulator.start(config.OMIS_SIMULATOR_TICK_MS);
      app.log.info({ tickMs: config.OMIS_SIMULATOR_TICK_MS, stepMs: config.OMIS_SIMULATOR_STEP_MS }, 'simulator started');
    });
    app.addHook('preClose', async () => {
      await simulator.stop();
    });
  },
  { name: 'simulator', dependencies: ['database'] },
);
