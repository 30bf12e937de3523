//! TLS set-up shared by every HTTP client of the process.
//!
//! reqwest is built with `rustls-no-provider` so that only *ring* is linked (a
//! smaller `opencode.so` than with aws-lc-rs). reqwest then takes its provider
//! from the process default, which must be installed before a client is built.
//!
//! Left to itself, reqwest builds a certificate verifier for every client, which
//! reads all of the system's root certificates each time (milliseconds, even for
//! an `http://` URL). Every `connect`, event stream and background send builds a
//! client, so the verified configuration is built once and shared instead.

use std::sync::{Arc, OnceLock};

/// Installs *ring* as the default provider. Cheap and idempotent: a provider a
/// host application installed first stays in place.
pub(crate) fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // `Err` means a provider is already installed, which is the goal.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The TLS configuration of every verifying client: the system's roots through
/// the platform verifier, as reqwest itself would set it up. Built on first use.
pub(crate) fn verified_config() -> Result<rustls::ClientConfig, String> {
    static CONFIG: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            install_crypto_provider();
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
                .map_err(|e| format!("cannot load the system's certificates: {e}"))?;
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth();
            Ok(config)
        })
        .clone()
}
