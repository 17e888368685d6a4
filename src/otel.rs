//! Export traces and the tool duration metric over OTLP (feature `otel`).
//!
//! The executor and the MCP server trace every call with `tracing` spans named after
//! OpenTelemetry's semantic conventions (`execute_tool {tool}`, a child HTTP client span per
//! attempt, `tools/call {tool}` on the MCP server; see `docs/observability.md`) and emit a
//! `gen_ai.execute_tool.duration` event per call. [`Otel`] sends both to an OTLP/HTTP receiver
//! (an OpenTelemetry Collector, Jaeger, a vendor's endpoint) with the official crates: spans
//! through `tracing-opentelemetry`, the duration as an OpenTelemetry histogram in seconds.
//!
//! ```no_run
//! # fn main() -> Result<(), openapi_tools::otel::OtelError> {
//! let otel = openapi_tools::otel::Otel::builder()
//!     .endpoint("http://127.0.0.1:4318")
//!     .service_name("petstore-agent")
//!     .install()?; // sets the global tracing subscriber
//! // ... run the agent, serve MCP ...
//! otel.shutdown()?; // flushes what is still buffered
//! # Ok(()) }
//! ```
//!
//! [`Otel::layer`] gives the `tracing` layer instead, to stack on a subscriber of your own.

use std::time::Duration;

use openapi_tools_runtime::exec::METRICS_TARGET;
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Histogram, MeterProvider as _};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{MetricExporter, Protocol, SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

/// The name of the tool duration metric (semantic conventions).
pub const DURATION_METRIC: &str = "gen_ai.execute_tool.duration";

/// The histogram bucket boundaries (seconds) the GenAI conventions advise for durations.
const BOUNDARIES: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/// The instrumentation scope name spans and metrics are exported under.
const SCOPE: &str = "openapi-tools";

/// Why the exporter could not be set up or shut down.
#[derive(Debug, thiserror::Error)]
pub enum OtelError {
    /// An OTLP exporter could not be built (bad endpoint, HTTP client).
    #[error("the OTLP exporter could not be built: {0}")]
    Exporter(String),
    /// Another global `tracing` subscriber is already set.
    #[error("a global tracing subscriber is already set: {0}")]
    Subscriber(String),
    /// Flushing or shutting down failed (the receiver did not answer, for example).
    #[error("the OpenTelemetry pipeline did not shut down cleanly: {0}")]
    Shutdown(String),
}

/// Builds an [`Otel`] pipeline.
#[derive(Debug, Clone)]
pub struct OtelBuilder {
    endpoint: String,
    service_name: String,
    metrics_interval: Duration,
}

impl Default for OtelBuilder {
    fn default() -> Self {
        OtelBuilder {
            endpoint: "http://127.0.0.1:4318".into(),
            service_name: "openapi-tools".into(),
            metrics_interval: Duration::from_secs(60),
        }
    }
}

impl OtelBuilder {
    /// The OTLP/HTTP base URL (default `http://127.0.0.1:4318`); spans go to `/v1/traces`,
    /// metrics to `/v1/metrics` under it.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// The `service.name` resource attribute (default `openapi-tools`).
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = name.into();
        self
    }

    /// How often metrics are exported (default 60 s; [`Otel::shutdown`] exports the rest).
    pub fn metrics_interval(mut self, every: Duration) -> Self {
        self.metrics_interval = every;
        self
    }

    /// The pipeline, exporting in background threads.
    pub fn build(self) -> Result<Otel, OtelError> {
        let base = self.endpoint.trim_end_matches('/');
        let resource = Resource::builder()
            .with_service_name(self.service_name)
            .build();
        let spans = SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{base}/v1/traces"))
            .build()
            .map_err(|e| OtelError::Exporter(e.to_string()))?;
        let tracer = SdkTracerProvider::builder()
            .with_batch_exporter(spans)
            .with_resource(resource.clone())
            .build();
        let metrics = MetricExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("{base}/v1/metrics"))
            .build()
            .map_err(|e| OtelError::Exporter(e.to_string()))?;
        let reader = PeriodicReader::builder(metrics)
            .with_interval(self.metrics_interval)
            .build();
        let meter = SdkMeterProvider::builder()
            .with_reader(reader)
            .with_resource(resource)
            .build();
        let duration = meter
            .meter(SCOPE)
            .f64_histogram(DURATION_METRIC)
            .with_unit("s")
            .with_description("Duration of tool execution")
            .with_boundaries(BOUNDARIES.to_vec())
            .build();
        Ok(Otel {
            tracer,
            meter,
            duration,
        })
    }

    /// Builds the pipeline and sets it as the global `tracing` subscriber.
    pub fn install(self) -> Result<Otel, OtelError> {
        let otel = self.build()?;
        let subscriber = tracing_subscriber::registry().with(otel.layer());
        tracing::subscriber::set_global_default(subscriber)
            .map_err(|e| OtelError::Subscriber(e.to_string()))?;
        Ok(otel)
    }
}

/// The OTLP pipeline: a tracer provider for spans and a meter provider for the duration
/// histogram. Keep it alive while the application runs; [`Otel::shutdown`] flushes it.
#[derive(Debug)]
pub struct Otel {
    tracer: SdkTracerProvider,
    meter: SdkMeterProvider,
    duration: Histogram<f64>,
}

impl Otel {
    /// A builder with the defaults (`http://127.0.0.1:4318`, service `openapi-tools`).
    pub fn builder() -> OtelBuilder {
        OtelBuilder::default()
    }

    /// The `tracing` layer: spans to the tracer provider (names and kinds from the `otel.name`
    /// and `otel.kind` fields), duration events to the histogram. Duration events are
    /// debug-level on the target `openapi_tools::metrics`: a filter in front of this layer
    /// must let them through.
    pub fn layer<S>(&self) -> impl Layer<S> + Send + Sync + 'static
    where
        S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
    {
        // Metric events are not span events.
        let spans = tracing_opentelemetry::layer()
            .with_tracer(self.tracer.tracer(SCOPE))
            .with_filter(filter_fn(|meta| meta.target() != METRICS_TARGET));
        let durations = DurationLayer {
            histogram: self.duration.clone(),
        };
        spans.and_then(durations)
    }

    /// Exports everything buffered now.
    pub fn flush(&self) -> Result<(), OtelError> {
        let shut = |e: opentelemetry_sdk::error::OTelSdkError| OtelError::Shutdown(e.to_string());
        self.tracer.force_flush().map_err(shut)?;
        self.meter.force_flush().map_err(shut)
    }

    /// Exports what is buffered and stops the exporters.
    pub fn shutdown(&self) -> Result<(), OtelError> {
        let shut = |e: opentelemetry_sdk::error::OTelSdkError| OtelError::Shutdown(e.to_string());
        let spans = self.tracer.shutdown().map_err(shut);
        let metrics = self.meter.shutdown().map_err(shut);
        spans.and(metrics)
    }
}

/// Records the executor's duration events into the histogram.
struct DurationLayer {
    histogram: Histogram<f64>,
}

impl<S: Subscriber> Layer<S> for DurationLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != METRICS_TARGET {
            return;
        }
        let mut fields = DurationFields::default();
        event.record(&mut fields);
        if let Some(seconds) = fields.seconds {
            self.histogram.record(seconds, &fields.attributes);
        }
    }
}

/// The duration and the string attributes of one event.
#[derive(Default)]
struct DurationFields {
    seconds: Option<f64>,
    attributes: Vec<KeyValue>,
}

/// The event field carrying the duration (`tracing-opentelemetry`'s `histogram.` prefix).
const DURATION_FIELD: &str = "histogram.gen_ai.execute_tool.duration";

impl Visit for DurationFields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == DURATION_FIELD {
            self.seconds = Some(value);
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.attributes
            .push(KeyValue::new(field.name(), value.to_owned()));
    }
    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}

#[cfg(test)]
mod tests;
