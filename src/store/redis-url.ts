/**
 * The REDIS_URL forms src/store/redis-client.ts accepts (redis[s]://, redis[s]+cluster://), apart from
 * it so that validating the configuration does not load the Redis client (the cluster primary
 * validates it and never connects).
 */
export const REDIS_URL_PATTERN = '^rediss?(\\+cluster)?://';
