// OpenTelemetry traces, opt-in by the standard variables (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; src/config.ts): nothing is created, and no host contacted,
// without one. Each request to Yoga is a server span `<METHOD> <route>` carrying `meibo.request_id`
// (the x-request-id and extensions.requestId of the logs and the client) and its status; its
// GraphQL operation is a child span from @envelop/opentelemetry (`query.Roster`), with the
// operation's name and type but never its document, variables or result.
import { useOpenTelemetry, getCurrentOtelContext, setCurrentOtelContext } from '@envelop/opentelemetry';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TracerProvider } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Plugin } from 'graphql-yoga';
import type { TracingConfig } from '../config.js';
import { REQUEST_ID_HEADER } from '../log.js';
import { routeLabel } from './metrics.js';

export const REQUEST_ID_ATTRIBUTE = 'meibo.request_id';

export interface Tracing {
  provider: BasicTracerProvider;
  plugins: Array<Plugin<Record<string, unknown>>>;
  /** sends what is still buffered, then stops (on SIGTERM) */
  shutdown(): Promise<void>;
}

/** Tracing over OTLP/HTTP to `config.url`, or through `processor` (tests: an in-memory exporter). */
export function createTracing(config: TracingConfig, processor?: SpanProcessor): Tracing {
  const provider = new BasicTracerProvider({
    resource: Resource.default().merge(new Resource({ 'service.name': config.serviceName })),
    spanProcessors: [processor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: config.url }))],
  });
  return { provider, plugins: useTracing(provider), shutdown: () => provider.shutdown() };
}

/** The Yoga plugins: a span per request, the operation's span under it. */
export function useTracing(provider: TracerProvider): Array<Plugin<Record<string, unknown>>> {
  const tracer = provider.getTracer('meibo');
  const spans = new WeakMap<Request, Span>();
  const requestSpan: Plugin<Record<string, unknown>> = {
    onRequest({ request, url }) {
      const route = routeLabel(url.pathname);
      const span = tracer.startSpan(`${request.method} ${route}`, {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': url.pathname.slice(0, 200) },
      });
      const id = request.headers.get(REQUEST_ID_HEADER);
      if (id) span.setAttribute(REQUEST_ID_ATTRIBUTE, id);
      spans.set(request, span);
    },
    // the operation's span (@envelop/opentelemetry, next) is made a child of the request's
    onExecute({ args }) {
      parent(args.contextValue as { request?: Request });
    },
    onSubscribe({ args }) {
      parent(args.contextValue as { request?: Request });
    },
    onResponse({ request, response }) {
      const span = spans.get(request);
      if (!span) return;
      spans.delete(request);
      // useRequestId has set it by now, also for requests that did not come through withRequestLog
      const id = response.headers.get(REQUEST_ID_HEADER);
      if (id) span.setAttribute(REQUEST_ID_ATTRIBUTE, id);
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
  function parent(context: { request?: Request }) {
    const span = context.request && spans.get(context.request);
    if (span) setCurrentOtelContext(context, trace.setSpan(ROOT_CONTEXT, span));
  }
  const operationSpan = useOpenTelemetry(
    { document: false, variables: false, result: false, resolvers: false },
    provider,
    SpanKind.INTERNAL,
    {},
    'meibo',
  ) as unknown as Plugin<Record<string, unknown>>;
  // the request id on the operation's span too, where a trace viewer shows it first
  const operationRequestId: Plugin<Record<string, unknown>> = {
    onExecute({ args }) {
      const context = args.contextValue as { request?: Request };
      const id = context.request?.headers.get(REQUEST_ID_HEADER);
      const span = trace.getSpan(getCurrentOtelContext(context));
      if (id && span && span !== (context.request && spans.get(context.request))) span.setAttribute(REQUEST_ID_ATTRIBUTE, id);
    },
  };
  return [requestSpan, operationSpan, operationRequestId];
}
