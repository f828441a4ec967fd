import { describeBrokerCrash } from './crash-scenario.ts';

// Without persistence a SIGKILL loses every session and queued message at the broker: the hub's
// subscriptions, batches in flight, acks on their way back. The panel's outbox must make up for all of it.
describeBrokerCrash('broker SIGKILLed mid-stream, without persistence', { persistence: false });
