import LarderRegistry
import Testing

@Suite("SQLite wrapper")
struct SQLiteTests {
    @Test("binds, reads back every value kind, and reuses prepared statements")
    func roundTrip() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/t.db")
            try db.execute("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
            for i in 0..<3 {
                try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.integer(Int64(i)), .real(0.5), .text("é\(i)"), .blob([0, 1, 255]), .null])
            }
            let rows = try db.query("SELECT i, r, s, b, n FROM t ORDER BY i")
            #expect(rows.count == 3)
            #expect(rows[2]["i"] == .integer(2))
            #expect(rows[0][1] == .real(0.5))
            #expect(rows[1]["s"].string == "é1")
            #expect(rows[0]["b"] == .blob([0, 1, 255]))
            #expect(rows[0]["n"].isNull)
        }
    }

    @Test("a failed transaction rolls back everything it wrote")
    func rollback() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/t.db")
            try db.execute("CREATE TABLE t(k TEXT PRIMARY KEY)")
            try db.execute("INSERT INTO t VALUES (?)", ["a"])
            #expect(throws: SQLiteError.self) {
                try db.transaction { db in
                    try db.execute("INSERT INTO t VALUES (?)", ["b"])
                    try db.execute("INSERT INTO t VALUES (?)", ["a"])
                }
            }
            #expect(try db.query("SELECT k FROM t").map { $0[0].string } == ["a"])
        }
    }

    @Test("errors carry SQLite's message, the file and the SQL")
    func errors() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/t.db")
            do throws(SQLiteError) {
                _ = try db.query("SELECT nope FROM missing")
                Issue.record("expected an error")
            } catch {
                #expect(error.message == "no such table: missing")
                #expect(error.sql == "SELECT nope FROM missing")
                #expect(error.description.contains(dir + "/t.db"))
            }
            #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO x VALUES (?)", [1, 2]) }
        }
    }

    @Test("async access runs on the database's queue and sees committed writes")
    func asyncAccess() async throws {
        let dir = "/tmp/larder-sqlite-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try SQLiteDatabase(path: dir + "/t.db")
        try await db.write { try $0.execute("CREATE TABLE t(v INTEGER)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                group.addTask { try await db.write { try $0.execute("INSERT INTO t VALUES (?)", [.integer(Int64(i))]) } }
            }
            try await group.waitForAll()
        }
        let sum = try await db.read { try $0.queryFirst("SELECT sum(v), count(*) FROM t") }
        #expect(sum?[0] == .integer(190))
        #expect(sum?[1] == .integer(20))
    }
}

import Foundation
