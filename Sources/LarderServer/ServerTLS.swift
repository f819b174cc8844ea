package import NIOSSL

/// The TLS configuration of `larder serve --tls-cert --tls-key`, from PEM files, with errors that name
/// the file and what is wrong with it (NIOSSL's own say neither).
///
/// ```swift
/// let tls = try ServerTLS.configuration(.init(certificateChain: "cert.pem", privateKey: "key.pem"))
/// ```
package enum ServerTLS {
    package static func configuration(_ files: ServerConfiguration.TLSFiles) throws(ServerTLSError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain)
        } catch {
            throw ServerTLSError(path: files.certificateChain, problem: "is not a readable PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw ServerTLSError(path: files.certificateChain, problem: "holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
        } catch {
            throw ServerTLSError(path: files.privateKey, problem: "is not a readable, unencrypted PEM private key (\(error))")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // A key that does not belong to the certificate only fails when the context is made.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerTLSError(path: files.privateKey, problem: "does not match the certificate in \(files.certificateChain) (\(error))")
        }
        return configuration
    }
}

/// A `--tls-cert` or `--tls-key` file that cannot be used.
package struct ServerTLSError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var problem: String
    package var description: String { "\(path) \(problem)" }
}
