import ArgumentParser
import Foundation
import LabStore
import Portal

/// `tld serve`: the customer portal.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the customer portal: sign-in, enrolment overview, the change form, the lab's queue.",
        discussion: """
            Customers sign in with an account made by tld account add, see their active enrolments \
            (national IDs as the first 4 digits only) and submit changes (enrol, unenrol with the \
            deadline rule and the effective date shown before sending, hand over a card, company data), \
            or SAVE them and resume by the link written to the outbox. Lab accounts accept each sent \
            change (applied to the master data in one transaction) or reject it with a reason; every \
            step is in the audit trail (/lab/audit), every e-mail in the outbox (/lab/outbox).

            Customers download their final result lists (PDF, CSV; a DRAFT is not offered), packing \
            slips and charges at /documents. A company without an agreement fills in "create \
            agreement" at /agreement (no account needed; SAVE gives a resume link); the lab's accept \
            creates the customer, its first wearers and their enrolments in one transaction. Sessions \
            are kept in the lab database: a restart signs nobody out; they end 8 hours after sign-in.

            National IDs are accepted only over TLS (--tls-cert and --tls-key, PEM files), or over \
            plain HTTP when the portal listens on loopback (127.0.0.1, ::1: development on the lab's \
            own machine). Session cookies are HttpOnly, SameSite=Strict, and Secure over TLS.

            --on DAY runs the portal on that lab day (its time of day is the wall clock's): what it \
            dates (change forms, deadlines, which result lists are over and offered, audit lines, \
            sessions) counts from that day, as --on does for tld review, release and cases. For \
            trying a lab whose periods are not over yet, e.g. the one tld demo makes.

            The lab may be a SQLite file or a PostgreSQL database (--database postgres://…, the \
            national-ID key named with --key-file or $TLD_NATIONAL_ID_KEY): sessions, forms and the \
            lab's queue are in the database, so several portal processes may serve one lab. On \
            PostgreSQL, result lists, charges and a wearer's own record are not served yet (their pages \
            say so, 501) until the evaluation, dose-record and dispatch roles are ported there.

            Examples:
              tld serve                                 http://127.0.0.1:8080 on ./tld.sqlite
              tld serve --database postgres://lab@dbhost/tld --key-file lab.key   the lab on PostgreSQL
              tld serve --on 2027-02-05 --database demo.sqlite   the tld demo lab, the day after its release
              tld serve --host 0.0.0.0 --port 8443 --tls-cert portal.crt --tls-key portal.key
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed when listening).") var port = 8080
    @Option(help: ArgumentHelp("TLS certificate chain (PEM).", valueName: "path")) var tlsCert: String?
    @Option(help: ArgumentHelp("TLS private key (PEM).", valueName: "path")) var tlsKey: String?
    @Option(help: ArgumentHelp("The address customers use, for resume links (default: from --host and --port).", valueName: "url"))
    var baseURL: String?
    @OptionGroup var labDay: LabDayOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if !(0...65_535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        let logger = makeLogger(verbose: logging.verbose)
        let labStore = try store.openPortal(logger: logger)
        let protector = try key.protector(store: labStore, database: store.path)
        let tls = tlsCert.flatMap { cert in tlsKey.map { PortalServer.TLSFiles(certificate: cert, key: $0) } }
        for path in [tlsCert, tlsKey].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: path) {
            throw CommandFailure("cannot read \(path)", status: .noInput)
        }
        let scheme = tls == nil ? "http" : "https"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let fixedBase = baseURL
        let configuration = PortalConfiguration(
            tls: tls != nil, nationalIDAllowed: PortalConfiguration.allowsNationalID(tls: tls != nil, host: host),
            baseURL: baseURL ?? "\(scheme)://\(shownHost):\(port)", now: labDay.clock)
        let portal = try PortalApp(store: labStore, protector: protector, configuration: configuration, logger: logger)
        do {
            try await PortalServer.run(portal: portal, host: host, port: port, tls: tls, logger: logger) { bound in
                if fixedBase == nil { portal.baseURL = "\(scheme)://\(shownHost):\(bound)" }
                let line = "portal listening on \(scheme)://\(shownHost):\(bound)"
                    + (configuration.nationalIDAllowed ? "" : " (national IDs refused: no TLS)") + "\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        } catch let error as PortalServer.StartError {
            throw CommandFailure(error.description, status: error.addressInUse ? .tempFail : .noInput)
        }
    }
}
