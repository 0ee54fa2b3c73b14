// Size limits on an event's parts (the frame size is checked before parsing).
import type { EventPolicy } from './types.js';

export const tagCountLimit: EventPolicy = (event, { limits }) =>
  event.tags.length > limits.maxEventTags
    ? `invalid: too many tags (${event.tags.length}, max ${limits.maxEventTags})`
    : undefined;

export const contentLengthLimit: EventPolicy = (event, { limits }) =>
  event.content.length > limits.maxContentLength
    ? `invalid: content too long (${event.content.length} characters, max ${limits.maxContentLength})`
    : undefined;
