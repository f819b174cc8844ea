import LarderOnline
import Testing

@Suite("RedisURL parsing")
struct RedisURLTests {
    @Test func hostPortAndDatabase() throws {
        let url = try RedisURL(parsing: "redis://127.0.0.1:6380/2")
        #expect(url.endpoint == .tcp(host: "127.0.0.1", port: 6380))
        #expect(url.database == 2)
        #expect(url.password == nil)
        #expect(url.user == nil)
        #expect(url.address == "127.0.0.1:6380")
    }

    @Test func defaultsToPort6379AndDatabase0() throws {
        let url = try RedisURL(parsing: "redis://cache.local")
        #expect(url.endpoint == .tcp(host: "cache.local", port: 6379))
        #expect(url.database == 0)
        #expect(try RedisURL(parsing: "redis://h:1/").database == 0)
    }

    @Test func passwordOnlyAndUserPassword() throws {
        let a = try RedisURL(parsing: "redis://:s3cret@h:7000/1")
        #expect(a.user == nil)
        #expect(a.password == "s3cret")
        let b = try RedisURL(parsing: "redis://alice:p%40ss%3Aw@h:7000")
        #expect(b.user == "alice")
        #expect(b.password == "p@ss:w")
        let c = try RedisURL(parsing: "redis://justpass@h")
        #expect(c.password == "justpass")
        #expect(c.user == nil)
    }

    @Test func descriptionMasksThePassword() throws {
        let url = try RedisURL(parsing: "redis://alice:topsecret@h:7000/3")
        #expect(url.description == "redis://alice:***@h:7000/3")
        #expect(!url.description.contains("topsecret"))
    }

    @Test func ipv6Host() throws {
        let url = try RedisURL(parsing: "redis://[::1]:6390/4")
        #expect(url.endpoint == .tcp(host: "::1", port: 6390))
        #expect(url.address == "[::1]:6390")
        #expect(url.database == 4)
    }

    @Test func unixSocket() throws {
        let url = try RedisURL(parsing: "unix:///run/redis/redis.sock?db=5&password=pw")
        #expect(url.endpoint == .unix(path: "/run/redis/redis.sock"))
        #expect(url.database == 5)
        #expect(url.password == "pw")
        #expect(try RedisURL(parsing: "unix:///tmp/r.sock").database == 0)
    }

    @Test(arguments: [
        ("http://h:1", "scheme"),
        ("redis://h:0", "port"),
        ("redis://h:70000", "port"),
        ("redis://h:abc", "port"),
        ("redis://h:1/x", "database"),
        ("redis://h:1/-1", "database"),
        ("redis://:1", "host"),
        ("redis://[::1:1", "IPv6"),
        ("unix://relative.sock", "absolute"),
        ("unix:///a.sock?db=z", "db="),
        ("unix:///a.sock?color=red", "unknown query parameter"),
        ("redis://u:p%zz@h", "hex digits"),
    ])
    func rejectsMalformedURLs(text: String, reasonMentions: String) {
        #expect {
            _ = try RedisURL(parsing: text)
        } throws: { error in
            guard let error = error as? RedisURLError else { return false }
            return error.reason.contains(reasonMentions) && error.description.contains("expected redis://")
        }
    }

    @Test func errorsDoNotLeakThePassword() {
        do {
            _ = try RedisURL(parsing: "redis://bob:hunter2@h:99999")
            Issue.record("a port above 65535 must be rejected")
        } catch {
            #expect(!error.description.contains("hunter2"))
            #expect(error.url == "redis://bob:***@h:99999")
        }
    }
}
