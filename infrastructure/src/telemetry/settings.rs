//! `[traces]`: OpenTelemetry trace export (off unless an endpoint is set), and the
//! standard `OTEL_*` variables that set it, as operators expect from any OTel SDK.

use std::time::Duration;

use figment::providers::Env;
use serde::{Deserialize, Serialize};

use crate::identity::SERVICE_NAME;
use crate::settings::SettingsError;

/// The only OTLP protocol this build speaks (no gRPC stack, no JSON encoder).
pub const HTTP_PROTOBUF: &str = "http/protobuf";

/// Which traces are recorded, by the names of `OTEL_TRACES_SAMPLER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampler {
    AlwaysOn,
    AlwaysOff,
    /// A `sampling_ratio` share of all traces, whatever the caller decided.
    Traceidratio,
    ParentbasedAlwaysOn,
    ParentbasedAlwaysOff,
    /// The caller's decision when a `traceparent` came in, else a `sampling_ratio` share.
    ParentbasedTraceidratio,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TracesSettings {
    /// OTLP/HTTP base URL of the collector, e.g. `http://otel-collector:4318`; spans are
    /// POSTed to `<endpoint>/v1/traces`. Unset (the default) exports nothing. Set by
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` too.
    pub endpoint: Option<String>,
    /// `http/protobuf`, the only protocol supported (`OTEL_EXPORTER_OTLP_PROTOCOL`).
    pub protocol: String,
    /// The `service.name` resource attribute (`OTEL_SERVICE_NAME`).
    pub service_name: String,
    /// `OTEL_TRACES_SAMPLER`.
    pub sampler: Sampler,
    /// Share of traces recorded by the ratio samplers, 0.0 to 1.0 (`OTEL_TRACES_SAMPLER_ARG`).
    pub sampling_ratio: f64,
    /// Upper bound of one export request, and of the flush at shutdown: an unreachable
    /// collector never holds the process past it.
    pub export_timeout_ms: u64,
}

impl Default for TracesSettings {
    fn default() -> Self {
        Self {
            endpoint: None,
            protocol: HTTP_PROTOBUF.to_owned(),
            service_name: SERVICE_NAME.to_owned(),
            sampler: Sampler::ParentbasedTraceidratio,
            sampling_ratio: 1.0,
            export_timeout_ms: 3000,
        }
    }
}

impl TracesSettings {
    pub fn export_timeout(&self) -> Duration {
        Duration::from_millis(self.export_timeout_ms)
    }

    /// Where spans are sent, when export is on.
    pub fn traces_url(&self) -> Option<String> {
        self.endpoint.as_deref().map(|base| format!("{}/v1/traces", base.trim_end_matches('/')))
    }

    /// # Errors
    /// The first unusable `traces.*` setting, by name.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |setting, problem: &str| Err(SettingsError::Invalid { setting, problem: problem.to_owned() });
        if let Some(endpoint) = &self.endpoint {
            if endpoint.starts_with("https://") {
                return invalid(
                    "traces.endpoint",
                    "https is not supported (the exporter has no TLS stack): send to a collector or agent over \
                     http, e.g. a sidecar on http://127.0.0.1:4318",
                );
            }
            if !endpoint.starts_with("http://") || endpoint.len() <= "http://".len() {
                return invalid("traces.endpoint", "must be an http:// URL such as http://otel-collector:4318");
            }
        }
        if self.protocol != HTTP_PROTOBUF {
            return invalid("traces.protocol", "must be http/protobuf (OTLP over gRPC or JSON is not built in)");
        }
        if self.service_name.trim().is_empty() {
            return invalid("traces.service_name", "must not be empty");
        }
        if !(0.0..=1.0).contains(&self.sampling_ratio) {
            return invalid("traces.sampling_ratio", "must be between 0.0 and 1.0");
        }
        if self.export_timeout_ms == 0 {
            return invalid("traces.export_timeout_ms", "must be at least 1");
        }
        Ok(())
    }
}

/// The standard OpenTelemetry variables, as a settings layer (between the config file
/// and the `<PREFIX>TRACES__*` variables, like `DATABASE_URL`).
pub fn otel_variables() -> Env {
    const NAMES: [(&str, &str); 5] = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "traces.endpoint"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "traces.protocol"),
        ("OTEL_SERVICE_NAME", "traces.service_name"),
        ("OTEL_TRACES_SAMPLER", "traces.sampler"),
        ("OTEL_TRACES_SAMPLER_ARG", "traces.sampling_ratio"),
    ];
    Env::raw().only(&NAMES.map(|(variable, _)| variable)).map(|key| {
        let key = key.as_str().to_ascii_uppercase();
        NAMES.iter().find(|(variable, _)| *variable == key).map_or("traces.unknown", |(_, setting)| setting).into()
    })
}

#[cfg(test)]
// figment::Jail's closures must return figment's own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use crate::Settings;

    #[test]
    fn traces_are_off_by_default_and_named_after_the_service() {
        let traces = TracesSettings::default();
        assert_eq!(traces.traces_url(), None);
        assert_eq!(traces.service_name, SERVICE_NAME);
        assert!(traces.validate().is_ok());
    }

    #[test]
    fn the_standard_variables_set_the_section_and_prefixed_ones_override_them() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/");
            jail.set_env("OTEL_SERVICE_NAME", "checkout");
            jail.set_env("OTEL_TRACES_SAMPLER", "traceidratio");
            jail.set_env("OTEL_TRACES_SAMPLER_ARG", "0.25");
            let settings = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
            let traces = &settings.traces;
            assert_eq!(traces.traces_url().as_deref(), Some("http://collector:4318/v1/traces"));
            assert_eq!((traces.service_name.as_str(), traces.sampler), ("checkout", Sampler::Traceidratio));
            assert!((traces.sampling_ratio - 0.25).abs() < f64::EPSILON);
            jail.set_env(format!("{}TRACES__SERVICE_NAME", crate::identity::ENV_PREFIX), "billing");
            let settings = Settings::from_figment(Settings::figment(None)).map_err(|e| e.to_string())?;
            assert_eq!(settings.traces.service_name, "billing");
            Ok(())
        });
    }

    #[test]
    fn protocols_and_endpoints_the_exporter_cannot_use_are_refused_by_name() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
            let err = Settings::from_figment(Settings::figment(None)).expect_err("grpc is not built in");
            assert!(err.to_string().contains("traces.protocol"), "{err}");
            Ok(())
        });
        let https = TracesSettings { endpoint: Some("https://collector:4318".to_owned()), ..Default::default() };
        assert!(https.validate().expect_err("no TLS").to_string().contains("traces.endpoint"));
        let ratio = TracesSettings { sampling_ratio: 1.5, ..Default::default() };
        assert!(ratio.validate().expect_err("over 1").to_string().contains("traces.sampling_ratio"));
    }
}
