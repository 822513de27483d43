import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

struct NotificationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications",
        abstract: "Notifications to the authority of elevated doses: list, show (with documents), mark sent.",
        discussion: """
            A notification is raised on the day a dose is released (tld release, tld review --accept or \
            --correct) that takes a person's Hp(10) above 10 mSv in one monitoring period, or their sum \
            over a calendar year above 15 mSv (checked as each dose of the year is released): the Czech \
            monitoring programme's section 8, "without delay". It stays on the list until marked sent, \
            with who sent it, when and how. Each notification has two documents, text and A4 PDF: the \
            notification to the authority and the customer's separate elevated-dose letter stating that \
            the authority has been notified (the Danish service guide). The national ID appears as its \
            first 4 digits only. docs/levels-and-cases.md.

            Runs on a SQLite file or on PostgreSQL (--database postgres://…): the same report numbers \
            (N-YEAR-NNNN) and documents on both.

            Examples:
              tld notifications list
              tld notifications show 1 --out notices
              tld notifications mark-sent 1 --who "J. Physicist" --how secure-email
            """,
        subcommands: [List.self, Show.self, MarkSent.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List notifications not yet sent (all with --all).")
        @Flag(help: "Sent ones too.")
        var all = false
        @OptionGroup var labDay: LabDayOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openCases(logger: makeLogger(verbose: logging.verbose))
            try LevelCheck(store: labStore, logger: makeLogger(verbose: logging.verbose), now: labDay.clock).catchUp()
            let list = try labStore.notifications(unsentOnly: !all)
            if list.isEmpty { print(all ? "No notifications." : "No notification waits to be sent."); return }
            let protector = try key.protector(store: labStore, database: store.path)
            print("id  report       raised      case  kind               customer  person                          state")
            for n in list {
                let c = try labStore.levelCase(id: n.caseID)
                let wearer = try c.flatMap { try labStore.wearer(id: $0.wearerID) }
                let who = (wearer?.name ?? "?") + " " + (wearer.map { shownNationalID($0, protector: protector) } ?? "")
                let state = n.sentAt.map { "sent \(ElevatedDoseNoticeBuilder.dayString($0)) by \(n.sentBy ?? "") (\(n.sentHow?.rawValue ?? ""))" } ?? "NOT SENT"
                print([p("\(n.id?.rawValue ?? 0)", 3), p(n.reportNumber, 12), p(n.raisedOn.description, 11), p("\(n.caseID.rawValue)", 5),
                       p(c?.kind.rawValue ?? "?", 18), p(c?.customerID ?? "?", 9), p(who, 31), state].joined(separator: " "))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a notification to the authority; with --out, write it and the customer's letter as text and PDF.")
        @Argument(help: "Notification number (the id in tld notifications list).")
        var id: Int64
        @Option(help: ArgumentHelp("Directory for notification-<report>.txt/.pdf and letter-<report>.txt/.pdf.", valueName: "dir"))
        var out: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openCases(logger: makeLogger(verbose: logging.verbose))
            guard let n = try labStore.notification(id: AuthorityNotification.ID(rawValue: id)) else {
                throw runFailure("no notification \(id)", exit: SysExit.dataError)
            }
            let protector = try key.protector(store: labStore, database: store.path)
            let notice = try ElevatedDoseNoticeBuilder(store: labStore, protector: protector).notice(n)
            print(notice.authorityText())
            guard let out else { return }
            let dir = URL(fileURLWithPath: out, isDirectory: true)
            let files: [(String, [UInt8])] = [
                ("notification-\(n.reportNumber).txt", Array(notice.authorityText().utf8)), ("notification-\(n.reportNumber).pdf", notice.authorityPDF()),
                ("letter-\(n.reportNumber).txt", Array(notice.letterText().utf8)), ("letter-\(n.reportNumber).pdf", notice.letterPDF()),
            ]
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name), options: .atomic) }
            } catch {
                throw runFailure("cannot write the documents to \(out): \(error.localizedDescription)", exit: SysExit.cantCreate)
            }
            print("Written: " + files.map { out + "/" + $0.0 }.joined(separator: ", "))
        }
    }

    struct MarkSent: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mark-sent", abstract: "Record that a notification went to the authority: who, how (now, or on the lab day --on).")
        @Argument(help: "Notification number.")
        var id: Int64
        @Option(help: "Who sent it.")
        var who: String
        @Option(help: ArgumentHelp("How: \(NotificationChannel.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "channel"))
        var how: NotificationChannel
        @OptionGroup var labDay: LabDayOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            guard !who.trimmingCharacters(in: .whitespaces).isEmpty else { throw runFailure("--who must name someone", exit: SysExit.dataError) }
            let labStore = try store.openCases(logger: makeLogger(verbose: logging.verbose))
            do {
                let n = try labStore.markNotificationSent(id: AuthorityNotification.ID(rawValue: id), by: who, how: how, at: labDay.clock())
                print("notification \(n.reportNumber) marked sent by \(who) (\(how.rawValue)).")
            } catch {
                throw runFailure(error.description, exit: SysExit.dataError)
            }
        }
    }
}

private func p(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }
