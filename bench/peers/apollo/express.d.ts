// The part of Express 5's API the Apollo peer uses. The bench adds no @types package for one file.
declare module 'express' {
  import type { IncomingMessage, ServerResponse, Server } from 'node:http'
  namespace express {
    interface Request extends IncomingMessage {
      body?: unknown
    }
    interface Response extends ServerResponse {
      json(body: unknown): this
    }
    type RequestHandler = (request: Request, response: Response, next: (error?: unknown) => void) => void
    interface Application {
      get(path: string, handler: RequestHandler): this
      use(path: string, ...handlers: RequestHandler[]): this
      listen(port: number, host: string): Server
    }
    function json(): RequestHandler
  }
  function express(): express.Application
  export default express
}
