/**
 * Records what would end a broker process — an uncaught exception (an 'error' event nobody
 * listens to) or an unhandled rejection — while a fault test runs, so the test can assert none.
 */
export function watchForCrashes() {
  const crashes: unknown[] = [];
  const record = (error: unknown) => crashes.push(error);
  return {
    crashes,
    start() {
      process.on('uncaughtException', record);
      process.on('unhandledRejection', record);
    },
    stop() {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}
