import Foundation
import Crypto
import SwiftASN1
import X509

/// A self-signed certificate for `localhost` and 127.0.0.1 with its P-256 key, as PEM files, for the
/// TLS tests (`larder serve --tls-cert --tls-key`; clients trust the certificate itself, e.g.
/// `curl --cacert`).
///
/// ```swift
/// let pem = try SelfSignedCertificate.write(into: directory)
/// // pem.certificate, pem.privateKey: file paths
/// ```
public enum SelfSignedCertificate {
    /// Writes `cert.pem` and `key.pem` into `directory`; valid from an hour ago for a day.
    public static func write(into directory: String) throws -> (certificate: String, privateKey: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("localhost") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                KeyUsage(digitalSignature: true, keyCertSign: true)
                try ExtendedKeyUsage([.serverAuth])
            },
            issuerPrivateKey: .init(key))
        let paths = (certificate: directory + "/cert.pem", privateKey: directory + "/key.pem")
        try certificate.serializeAsPEM().pemString.write(toFile: paths.certificate, atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: paths.privateKey, atomically: true, encoding: .utf8)
        return paths
    }
}
