import fp from 'fastify-plugin';

/**
 * The simulator inside the server (OMIS_SIMULATOR): it starts once the app is ready; the services
 * plugin stops it before the server closes, so a tick in progress commits or rolls back before the
 * database goes away.
 */
export default fp(
  async (app) => {
    const { config, simulator } = app.services;
    if (!config.OMIS_SIMULATOR) return;
    app.addHook('onReady', async () => {
      simulator.start(config.OMIS_SIMULATOR_TICK_MS);
      app.log.info({ tickMs: config.OMIS_SIMULATOR_TICK_MS, stepMs: config.OMIS_SIMULATOR_STEP_MS }, 'simulator started');
    });
  },
  { name: 'simulator', dependencies: ['services'] },
);
