import ArgumentParser
import Foundation
import LabStore

/// Who a person is, for the commands about one person's records: a wearer number, or the national ID
/// (looked up by its keyed hash; never printed, shown as its first 4 digits). A person may be a wearer
/// at several customers: either way every one of their wearer rows is found.
struct PersonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The person's wearer number at any customer (see tld wearer list).", valueName: "n"))
    var wearer: Int64?

    @Option(help: ArgumentHelp("The person's national ID (CPR), or - to type it (not echoed on a terminal) or read it from standard input.", valueName: "id"))
    var nationalID: String?

    @Option(help: ArgumentHelp("The person of this enrolment (TILM-…).", valueName: "number"))
    var enrolment: String?

    /// The one error for a person chosen twice or not at all, the same in every command.
    static let chooseOne = "Give one of --wearer, --national-id or --enrolment."

    /// Whether any of the options is given (a command that may also act on many people, such as
    /// `tld retention archive --past-retention`, asks this; the others call ``requirePerson()``).
    var isGiven: Bool { [wearer != nil, nationalID != nil, enrolment != nil].contains(true) }

    /// At most one way to name the person (ArgumentParser runs this for every command using the group).
    func validate() throws {
        if [wearer != nil, nationalID != nil, enrolment != nil].filter({ $0 }).count > 1 { throw ValidationError(Self.chooseOne) }
    }

    /// Exactly one way to name the person: call from the `validate()` of a command about one person.
    func requirePerson() throws {
        if !isGiven { throw ValidationError(Self.chooseOne) }
    }

    /// The look-up hash of the person, and a description that shows at most the first 4 digits.
    func lookup(store: any LabRecordStore & MasterDataStore, protector: NationalIDProtector) throws -> (lookup: Data, shown: String) {
        if let enrolment {
            guard let e = try store.enrolment(number: enrolment) else { throw ToolError.refused("no enrolment \(enrolment)") }
            guard let w = try store.wearer(id: e.wearerID) else { throw ToolError.refused("no wearer \(e.wearerID.rawValue)") }
            return (w.nationalIDLookup, "wearer \(e.wearerID.rawValue), national ID \(shownNationalID(w, protector: protector))")
        }
        if let wearer {
            guard let w = try store.wearer(id: Wearer.ID(rawValue: wearer)) else { throw ToolError.refused("no wearer \(wearer)") }
            return (w.nationalIDLookup, "wearer \(wearer), national ID \(shownNationalID(w, protector: protector))")
        }
        let given = nationalID == "-" && isatty(STDIN_FILENO) == 1 ? try Self.promptNationalID() : try readNationalID(nationalID ?? "")
        let digits: String
        do { digits = try NationalIDProtector.digits(of: given) } catch {
            throw ToolError.refused("--national-id: not a national ID of the form DDMMYY-SSSS (a real birth date)")
        }
        return (try protector.lookup(digits), "national ID \(digits.prefix(4))******")
    }

    /// Asks for the national ID on the terminal without echoing it (termios `ECHO` off while it is typed).
    static func promptNationalID() throws -> String {
        FileHandle.standardError.write(Data("National ID (not shown): ".utf8))
        var saved = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if haveTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        defer {
            if haveTerminal { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw ValidationError("--national-id -: no national ID typed") }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
