import { describeBrokerCrash } from './crash-scenario.ts';

// With persistence the broker restarts from its last autosave: sessions and queued messages from before
// the kill come back, so the hub and the panel also get stale batches and acks delivered again.
describeBrokerCrash('broker SIGKILLed mid-stream, with persistence (autosave every second)', {
  persistence: true,
  extraConfig: 'autosave_interval 1',
});
