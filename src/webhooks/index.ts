export { EventProcessor, type AppliedEvent, type AppliedListener, type EventProcessorOptions, type WebhookObserver } from './processor.js';
export {
  DEFAULT_WEBHOOK_PATH,
  MAX_WEBHOOK_BODY_BYTES,
  readAtMost,
  webhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './receiver.js';
export { verifyWebhookSignature, webhookSignature } from './signature.js';
