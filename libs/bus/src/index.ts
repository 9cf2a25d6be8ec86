export {
  BusError,
  type Bus,
  type BusConsumer,
  type BusHandler,
  type ConsumeOptions,
  type Delivery,
  type PublishOptions,
  type TopicHealth,
} from './bus';
export { deduplicating, RecentMessageIds, type ProcessedMessages } from './deduplicating';
export { InProcessBus } from './in-process-bus';
export { QUEUE_OPTIONS, RabbitMqBus, type RabbitMqBusOptions } from './rabbitmq-bus';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { reclaimExpiredLeases, type ReclaimedAttempt, type ReclaimOptions } from './lease-reclaim';
