import { LedgerRepository } from '@app/billing';
import type { ConnectorAttachment } from '@app/connectors';
import { DeliveryService, deliveryOptionsFromConfig } from '@app/gateway';
import { busConsumersCheck } from '@app/observability';
import { Dispatcher } from './dispatcher';
import { LeaseReclaimer } from './lease-reclaimer';
import { busFromConfig } from './pipeline.module';

/** A connector app started without RABBITMQ_URL: alone in its process it would never receive a message. */
export class PipelineConfigError extends Error {
  override readonly name = 'PipelineConfigError';
}

/**
 * Distributed mode: the connector app consumes its provider's queue `send.<provider>` from RabbitMQ with
 * prefetch = window × sessions, and acknowledges each message once its outcome is stored. Attempts this provider's
 * previous process left unanswered are reclaimed once their lease (twice the response timer) has run out. /ready
 * needs a consumer attached to that queue (`bus`); its depth and consumers are scraped as bus gauges.
 */
export const attachDispatcher: ConnectorAttachment = async ({
  config,
  dataSource,
  runtime,
  settings,
  metrics,
  readiness,
}) => {
  if (config.rabbitmqUrl === undefined) {
    throw new PipelineConfigError('a connector app needs RABBITMQ_URL (the bus from the smpp-server)');
  }
  const bus = busFromConfig(config);
  const dispatcher = new Dispatcher({
    dataSource,
    bus,
    sender: runtime,
    prefetch: settings.windowSize * settings.sessions,
    delivery: new DeliveryService(dataSource, {
      ...deliveryOptionsFromConfig(config),
      registry: metrics.registry,
    }),
    billing: new LedgerRepository(dataSource),
    metrics,
  });
  readiness.register('bus', busConsumersCheck(bus, [dispatcher.topic]));
  metrics.registerQueueSource(async () => [await bus.health(dispatcher.topic)]);
  const reclaimer = new LeaseReclaimer(dataSource, {
    leaseMs: 2 * config.smppResponseTimeoutMs,
    providerId: runtime.providerId,
  });
  reclaimer.start();
  await dispatcher.start();
  return {
    stop: async () => {
      await reclaimer.stop();
      await dispatcher.stop();
      await bus.close();
    },
  };
};
