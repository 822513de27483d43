import ArgumentParser
import Foundation
import TLSimulator
#if canImport(Glibc)
import Glibc
#endif

/// `tl-reader-sim`: a simulated TL card reader on a pseudo-terminal (PROTOCOL.md version 1).
struct TLReaderSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tl-reader-sim",
        abstract: "Serve a simulated TL card reader on a pseudo-terminal.",
        discussion: """
            Prints 'device: /dev/pts/N' on stdout, then serves until SIGINT or SIGTERM. The magazine state \
            survives restarts through --state (a restart behaves like a reader power cycle).
            """)

    @Option(name: .long, help: "Scenario JSON file, or 'builtin' for the built-in example shipment.")
    var scenario: String = "builtin"

    @Option(name: .long, help: "State file (created if missing, written after every change).")
    var state: String

    @Option(name: .customLong("speed-ms"), help: "Wall milliseconds per element read (0 = instant); overrides the scenario.")
    var speedMilliseconds: Double?

    @Option(name: .long, help: "Keep a symbolic link at this path to the current pseudo-terminal (it changes when an 'unplug' fault re-plugs the reader).")
    var link: String?

    func validate() throws {
        if let ms = speedMilliseconds, !(ms >= 0 && ms.isFinite) {
            throw ValidationError("--speed-ms must be 0 or more")
        }
    }

    func run() throws {
        // Block the stop signals before any thread starts, so only sigwait below receives them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

        let loaded = scenario == "builtin" ? try Scenario.builtin() : try Scenario.load(path: scenario)
        let pace: ReaderEngine.Pace = speedMilliseconds.map { .elementMilliseconds($0) } ?? .scenario
        let engine = try ReaderEngine(scenario: loaded, statePath: state, pace: pace)
        let server = PtyReaderServer(engine: engine, linkPath: link)
        let device = try server.start()
        // Unbuffered write: a pipe reader sees the line at once.
        FileHandle.standardOutput.write(Data("device: \(device)\n".utf8))

        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        server.stop()
        if let problem = server.withEngine({ $0.persistenceProblem }) {
            FileHandle.standardError.write(Data("tl-reader-sim: \(problem)\n".utf8))
        }
    }
}

TLReaderSim.main()
