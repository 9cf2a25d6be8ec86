import { LedgerRepository } from '@app/billing';
import type { ConnectorAttachment } from '@app/connectors';
import { DeliveryService, deliveryOptionsFromConfig } from '@app/gateway';
import { Dispatcher } from './dispatcher';
import { busFromConfig } from './pipeline.module';

/** A connector app started without RABBITMQ_URL: alone in its process it would never receive a message. */
export class PipelineConfigError extends Error {
  override readonly name = 'PipelineConfigError';
}

/**
 * Distributed mode: the connector app consumes its provider's queue `send.<provider>` from RabbitMQ with
 * prefetch = window × sessions, and acknowledges each message once its outcome is stored.
 */
export const attachDispatcher: ConnectorAttachment = async ({ config, dataSource, runtime, settings }) => {
  if (config.rabbitmqUrl === undefined) {
    throw new PipelineConfigError('a connector app needs RABBITMQ_URL (the bus from the smpp-server)');
  }
  const bus = busFromConfig(config);
  const dispatcher = new Dispatcher({
    dataSource,
    bus,
    sender: runtime,
    prefetch: settings.windowSize * settings.sessions,
    delivery: new DeliveryService(dataSource, deliveryOptionsFromConfig(config)),
    billing: new LedgerRepository(dataSource),
  });
  await dispatcher.start();
  return {
    stop: async () => {
      await dispatcher.stop();
      await bus.close();
    },
  };
};
