import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type { RouteOptions } from 'fastify';
import { FrontDoorCounter } from './front-door-counter.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * @fastify/rate-limit's `store`, counting with a FrontDoorCounter (Redis, or per instance while
 * Redis does not answer). The plugin's built-in Redis store would make every request wait for
 * ioredis's reconnect attempts (seconds) during an outage, and `skipOnError` alone would drop the limit.
 */
export class FrontDoorStore implements FastifyRateLimitStore {
  constructor(private readonly counter: FrontDoorCounter) {}

  /** The constructor @fastify/rate-limit's `store` option wants (it calls `new Store(params)`). */
  static using(counter: FrontDoorCounter) {
    return class extends FrontDoorStore {
      constructor() {
        super(counter);
      }
    };
  }

  incr(key: string, callback: Callback, timeWindow?: number): void {
    this.counter.count(key, timeWindow ?? 60_000).then((count) => callback(null, count), callback);
  }

  /** A route with its own `config.rateLimit` counts apart (the plugin passes its merged params, routeInfo included). */
  child(routeOptions: RouteOptions & { path: string; prefix: string }): FastifyRateLimitStore {
    const route = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
    const { counter } = this;
    return new FrontDoorStore(new FrontDoorCounter(counter.redis, `${counter.nameSpace}${String(route.method ?? '')}${route.url ?? ''}-`, counter.timeoutMs));
  }
}
