import Foundation
import Hummingbird
import HummingbirdTesting
import LarderServer
import LarderTestSupport
import Testing

/// `larder serve --tls-cert --tls-key`: HTTPS through HummingbirdTLS, on the event-loop lookup path too.
@Suite("HTTPS with a self-signed certificate")
struct TLSTests {
    /// Runs a process to its end on a thread of its own; its exit status and standard output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    let out = Pipe()
                    process.standardOutput = out
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
                })
            }
        }
    }

    @Test("lookups on the event loop and routed requests are served over HTTPS; curl verifies the certificate; plain HTTP is refused")
    func https() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pem = try SelfSignedCertificate.write(into: directory)
        let configuration = ServerConfiguration(port: 0, maxRows: 3, maxBody: 2048,
                                                tls: .init(certificateChain: pem.certificate, privateKey: pem.privateKey))
        let fixture = try await ServerFixture.make(configuration: configuration)
        defer { fixture.tearDown() }
        let body = #"{"features": ["driver_hourly_stats:avg_daily_trips"], "entities": {"driver_id": [1001]}}"#
        try await FeatureServer(state: fixture.state).application().test(.ahc(.https)) { client in
            let port = try #require(client.port)
            let lookup = try await client.lookup(body)
            #expect(lookup.status == .ok, "\(lookup.text)")
            #expect(lookup.text.contains(#"{"values":[12],"statuses":["PRESENT"]"#), "\(lookup.text)")
            #expect(try await client.get("/metrics").status == .ok)

            // curl trusts only this certificate, so the handshake is checked against it and localhost.
            let curl = try await Self.run("/usr/bin/curl", ["-sS", "--fail", "--cacert", pem.certificate, "https://localhost:\(port)/get-online-features",
                                                            "-H", "Content-Type: application/json", "-d", body])
            #expect(curl.status == 0)
            #expect(curl.stdout.contains(#"{"values":[12],"statuses":["PRESENT"]"#), "\(curl.stdout)")
            let plain = try await Self.run("/usr/bin/curl", ["-sS", "--max-time", "5", "http://127.0.0.1:\(port)/health"])
            #expect(plain.status != 0, "plain HTTP was answered on the TLS port: \(plain.stdout)")
        }
        #expect(fixture.metrics.value("larder_lookups_on_event_loop_total") == 2)
    }

    @Test("a key that is not the certificate's, or a file that is not PEM, is refused naming the file")
    func badFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try SelfSignedCertificate.write(into: directory)
        try FileManager.default.createDirectory(atPath: directory + "/other", withIntermediateDirectories: true)
        let other = try SelfSignedCertificate.write(into: directory + "/other")
        #expect(throws: ServerTLSError.self) { try ServerTLS.configuration(.init(certificateChain: first.certificate, privateKey: other.privateKey)) }
        do throws(ServerTLSError) {
            _ = try ServerTLS.configuration(.init(certificateChain: first.certificate, privateKey: other.privateKey))
        } catch {
            #expect(error.path == other.privateKey)
            #expect(error.problem.hasPrefix("does not match the certificate in \(first.certificate)"))
        }
        do throws(ServerTLSError) {
            _ = try ServerTLS.configuration(.init(certificateChain: first.privateKey, privateKey: first.privateKey))
            Issue.record("a key file was taken for a certificate")
        } catch {
            #expect(error.path == first.privateKey)
        }
        #expect(throws: Never.self) { try ServerTLS.configuration(.init(certificateChain: first.certificate, privateKey: first.privateKey)) }
    }
}
