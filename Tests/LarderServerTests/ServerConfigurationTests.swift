import LarderServer
import Testing

@Suite("ServerConfiguration")
struct ServerConfigurationTests {
    @Test("loopback hosts are 127.0.0.0/8, ::1 and localhost; anything else is reachable from other machines")
    func loopback() {
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]"] {
            #expect(ServerConfiguration.isLoopback(host: host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "128.0.0.1", "::2", "example.com", "localhost.example.com", ""] {
            #expect(!ServerConfiguration.isLoopback(host: host), "\(host)")
        }
    }

    @Test("the push row limit (100 × --max-rows) saturates instead of overflowing")
    func pushRows() {
        #expect(ServerConfiguration(maxRows: 1000).maxPushRows == 100_000)
        #expect(ServerConfiguration(maxRows: Int.max).maxPushRows == Int.max)
        #expect(ServerConfiguration(maxRows: Int.max / 100 + 1).maxPushRows == Int.max)
    }
}
