//! The OTLP/HTTP protobuf exporter behind a batch processor, configured from `[traces]`.

use opentelemetry_http::hyper::HyperClient;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{Sampler as SdkSampler, SdkTracerProvider};

use super::{Sampler, TracesSettings};

/// The tracer provider when `traces.endpoint` is set; `None` leaves export off.
pub(super) fn provider(traces: &TracesSettings) -> Result<Option<SdkTracerProvider>, String> {
    let Some(url) = traces.traces_url() else { return Ok(None) };
    let runtime = tokio::runtime::Handle::try_current()
        .map_err(|_| "trace export must be set up inside the Tokio runtime".to_owned())?;
    let client = OnRuntime { client: HyperClient::with_default_connector(traces.export_timeout(), None), runtime };
    let exporter = SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(url)
        .with_timeout(traces.export_timeout())
        .build()
        .map_err(|e| format!("configuration error: setting `traces.endpoint`: {e}"))?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_sampler(sampler(traces))
        .with_resource(Resource::builder().with_service_name(traces.service_name.clone()).build())
        .build();
    Ok(Some(provider))
}

fn sampler(traces: &TracesSettings) -> SdkSampler {
    let ratio = SdkSampler::TraceIdRatioBased(traces.sampling_ratio);
    match traces.sampler {
        Sampler::AlwaysOn => SdkSampler::AlwaysOn,
        Sampler::AlwaysOff => SdkSampler::AlwaysOff,
        Sampler::Traceidratio => ratio,
        Sampler::ParentbasedAlwaysOn => SdkSampler::ParentBased(Box::new(SdkSampler::AlwaysOn)),
        Sampler::ParentbasedAlwaysOff => SdkSampler::ParentBased(Box::new(SdkSampler::AlwaysOff)),
        Sampler::ParentbasedTraceidratio => SdkSampler::ParentBased(Box::new(ratio)),
    }
}

/// Hyper's client, run on the service's Tokio runtime: the batch processor exports from
/// a thread of its own, where hyper (which needs the runtime's reactor and timer) cannot
/// run directly.
#[derive(Debug)]
struct OnRuntime {
    client: HyperClient,
    runtime: tokio::runtime::Handle,
}

#[async_trait::async_trait]
impl HttpClient for OnRuntime {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let client = self.client.clone();
        self.runtime.spawn(async move { client.send_bytes(request).await }).await?
    }
}
