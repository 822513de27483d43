import Benchmark
import Foundation
import LabStore
import LabStoreSQLite

/// `tld backup` and `tld verify` of a 10 000-card lab (issue 18: each < 30 s). The lab is made once
/// per benchmark (not measured): 40 000 stored element curves, 10 000 dose versions with their audit
/// entries (BackupLab). Backup: snapshot, manifest of every table, curve and dose version, file
/// checksum; encrypted backup adds scrypt and AES-256-GCM; verify reads the database and compares.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        warmupIterations: 0, maxDuration: .seconds(600), maxIterations: 3)

    Benchmark("backup/10000 cards") { benchmark in
        let lab = try BackupLab(cards: 10_000)
        for _ in benchmark.scaledIterations {
            let folder = lab.directory.appendingPathComponent("backups-\(UUID().uuidString)").path
            benchmark.startMeasurement()
            let made = try LabBackup.backUp(database: lab.store.database, into: folder, passphrase: nil, now: Date())
            benchmark.stopMeasurement()
            precondition(made.manifest.content.curves.count == 40_000)
        }
    }
    Benchmark("backup encrypted/10000 cards") { benchmark in
        let lab = try BackupLab(cards: 10_000)
        for _ in benchmark.scaledIterations {
            let folder = lab.directory.appendingPathComponent("backups-\(UUID().uuidString)").path
            benchmark.startMeasurement()
            let made = try LabBackup.backUp(database: lab.store.database, into: folder, passphrase: "benchmark passphrase", now: Date())
            benchmark.stopMeasurement()
            precondition(made.manifest.encrypted)
        }
    }
    Benchmark("verify/10000 cards") { benchmark in
        let lab = try BackupLab(cards: 10_000)
        let made = try LabBackup.backUp(database: lab.store.database, into: lab.directory.appendingPathComponent("backups").path,
                                        passphrase: nil, now: Date())
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            let differences = try LabBackup.verify(database: lab.path, manifest: made.manifest)
            benchmark.stopMeasurement()
            precondition(differences.isEmpty)
        }
    }
}
