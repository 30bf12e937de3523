//! The process-wide rustls crypto provider.
//!
//! reqwest is built with `rustls-no-provider` so that only *ring* is linked (a
//! smaller `opencode.so` than with aws-lc-rs). reqwest then takes its provider
//! from the process default, which must be installed before a client is built.

/// Installs *ring* as the default provider. Cheap and idempotent: a provider a
/// host application installed first stays in place.
pub(crate) fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // `Err` means a provider is already installed, which is the goal.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
