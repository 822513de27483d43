import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

// Argument wrappers rather than conformances of the LabStore types, so that another command's own
// conformance never collides with these.

/// A dosimeter type as the import file names it: whole-body | finger | neutron | shoulder.
struct TypeArgument: ExpressibleByArgument, Sendable {
    let value: DosimeterType
    init?(argument: String) {
        guard let t = ImportFile.typeNames[argument] ?? DosimeterType(rawValue: argument) else { return nil }
        value = t
    }
    static var allValueStrings: [String] { DosimeterType.allCases.map(ImportFile.name(of:)) }
}

/// A period length as the import file names it: 2w | 1m | 3m.
struct PeriodArgument: ExpressibleByArgument, Sendable {
    let value: PeriodLength
    init?(argument: String) {
        guard let l = ImportFile.periodNames[argument] ?? PeriodLength(rawValue: argument) else { return nil }
        value = l
    }
    static var allValueStrings: [String] { PeriodLength.allCases.map(ImportFile.name(of:)) }
}

/// e-invoice | email | paper.
struct InvoiceChannelArgument: ExpressibleByArgument, Sendable {
    let value: InvoiceChannel
    init?(argument: String) {
        guard let c = InvoiceChannel(rawValue: argument) else { return nil }
        value = c
    }
    static var allValueStrings: [String] { InvoiceChannel.allCases.map(\.rawValue) }
}

/// A card state: available, issued, returned, …
struct CardStateArgument: ExpressibleByArgument, Sendable {
    let value: CardState
    init?(argument: String) {
        guard let s = CardState(rawValue: argument) else { return nil }
        value = s
    }
    static var allValueStrings: [String] { CardState.allCases.map(\.rawValue) }
}

/// A national ID from the command line, or from standard input when given as `-` (out of the shell's
/// history and the process list). Never printed.
func readNationalID(_ given: String) throws -> String {
    guard given == "-" else { return given }
    guard let line = readLine(strippingNewline: true) else {
        throw ValidationError("--national-id -: expected the national ID on standard input")
    }
    return line.trimmingCharacters(in: .whitespaces)
}

/// The wearer's national ID as the lab shows it: the first 4 digits only (DOMAIN.md §2).
func shownNationalID(_ wearer: Wearer, protector: NationalIDProtector) -> String {
    ((try? protector.firstFourDigits(of: wearer.protectedID)) ?? "????") + "******"
}
