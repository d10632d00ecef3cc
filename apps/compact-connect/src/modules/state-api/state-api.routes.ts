import type { FastifyInstance } from 'fastify'
import type { Container } from '../../container.ts'

export async function stateApiRoutes(_app: FastifyInstance, _container: Container): Promise<void> {}
