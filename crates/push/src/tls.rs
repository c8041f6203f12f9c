//! TLS for https push URLs: rustls with the ring provider, nothing else (no aws-lc-rs, no
//! native-tls, no OpenSSL).
//!
//! The push client is built on hyper with an explicit rustls configuration instead of reqwest's
//! TLS: reqwest 0.13 offers rustls without aws-lc-rs only as `rustls-no-provider`, which makes
//! every `reqwest::Client::new()` in the build panic unless a process-wide provider was
//! installed first (the SDK, the tests' HTTP clients). Passing the ring provider explicitly
//! keeps the push client independent of the process default; [`install_default_provider`] still
//! installs ring as that default at start, so that anything else asking rustls for it gets ring.
//!
//! Trust: Mozilla's roots (webpki-roots, compiled in, so a server in a minimal container needs no
//! CA bundle) plus, optionally, the operator's own roots from a PEM file (a receiver behind a
//! private CA; also how tests trust a self-signed receiver).

use std::path::Path;
use std::sync::Arc;

use kaifang_platform::{Error, Result};
use rustls::RootCertStore;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The one crypto provider of the platform.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Installs ring as the process-wide default rustls provider (once; later calls, or a default
/// installed by someone else first, leave it as it is).
pub fn install_default_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The roots in a PEM file (one or more `CERTIFICATE` blocks).
pub fn read_roots(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid(format!("push TLS roots file {}: {e}", path.display())))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            Error::invalid(format!(
                "push TLS roots file {}: not PEM certificates: {e}",
                path.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(Error::invalid(format!(
            "push TLS roots file {} holds no CERTIFICATE block",
            path.display()
        )));
    }
    Ok(certs)
}

/// The client configuration: ring, TLS 1.2 and 1.3, Mozilla's roots plus `extra_roots` (ALPN is
/// left to the connector, which offers HTTP/1.1).
pub fn client_config(extra_roots: &[CertificateDer<'static>]) -> Result<rustls::ClientConfig> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for cert in extra_roots {
        roots
            .add(cert.clone())
            .map_err(|e| Error::invalid(format!("push TLS root rejected: {e}")))?;
    }
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS versions: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}
