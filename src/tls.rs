//! TLS set-up shared by every HTTP client of the process.
//!
//! reqwest is built with `rustls-no-provider` so that only *ring* is linked (a
//! smaller `opencode.so` than with aws-lc-rs). reqwest then takes its provider
//! from the process default, which must be installed before a client is built.
//!
//! Left to itself, reqwest builds a certificate verifier for every client, which
//! reads all of the system's root certificates each time (milliseconds, even for
//! an `http://` URL). Every `connect`, event stream and background send builds a
//! client, so one configuration is built once and shared instead, and its
//! verifier reads the system's roots only when the first server certificate
//! arrives: a process that talks plain HTTP to a local server never reads them.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

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
/// the platform verifier, as reqwest itself would set it up.
pub(crate) fn verified_config() -> Result<rustls::ClientConfig, String> {
    static CONFIG: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            install_crypto_provider();
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let verifier = PlatformOnFirstUse {
                provider: provider.clone(),
            };
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

/// The platform verifier of the process, built (the system's roots read)
/// when the first server certificate is checked.
static PLATFORM: OnceLock<Result<Verifier, String>> = OnceLock::new();

/// Checks certificates with [`PLATFORM`]. A handshake's signatures are
/// checked as the platform verifier checks them, with the provider's
/// algorithms, which need no roots.
#[derive(Debug)]
struct PlatformOnFirstUse {
    provider: Arc<CryptoProvider>,
}

impl PlatformOnFirstUse {
    fn verifier(&self) -> Result<&'static Verifier, rustls::Error> {
        PLATFORM
            .get_or_init(|| {
                Verifier::new(self.provider.clone()).map_err(|e| format!("cannot load the system's certificates: {e}"))
            })
            .as_ref()
            .map_err(|e| rustls::Error::General(e.clone()))
    }
}

impl ServerCertVerifier for PlatformOnFirstUse {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::PLATFORM;
    use crate::client::{Client, Config};

    #[test]
    fn a_plain_http_client_reads_no_roots() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener); // nothing listens there now
        let client = Client::new(Config::with_url(&url)).expect("client");
        assert!(client.health().is_err());
        assert!(PLATFORM.get().is_none(), "an http:// call read the system's roots");
    }
}
