// SCAFFOLD — replaced by the write capabilities work (issue 6).
import type { FastifyInstance } from 'fastify';

export default async function confirmationRoutes(_app: FastifyInstance) {}
