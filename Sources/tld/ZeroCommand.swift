import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

struct ZeroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zero",
        abstract: "Zero annealed cards: their elements' doses are cleared in the records.",
        discussion: """
            Only a card annealed and read at background (tld anneal) whose dose is released can be \
            zeroed; the database refuses the others, and then nothing is zeroed. Next: inspect the \
            zeroed cards before reissue (tld inspect --stage reissue), which returns the fit ones to stock.

            Examples:
              tld zero --all-annealed
              tld zero 10000016 10000024
            """)

    @Argument(help: ArgumentHelp("Cards to zero (or --all-annealed).", valueName: "card"))
    var cards: [String] = []

    @Flag(help: "Every annealed card.")
    var allAnnealed = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard allAnnealed != !cards.isEmpty else { throw ValidationError("give card numbers or --all-annealed (not both)") }
    }

    func run() throws {
        try reportingFailures {
            let labStore = try store.openCardCycle(logger: makeLogger(verbose: logging.verbose))
            let ids = allAnnealed ? try labStore.cards(state: .annealed).map(\.id) : cards
            guard !ids.isEmpty else { print("No annealed card waits to be zeroed."); return }
            var problems: [String] = []
            for id in ids {
                guard let card = try labStore.card(id: id) else { problems.append("card \(id): not in the lab's stock"); continue }
                switch card.state {
                case .annealed: continue
                case .issued, .returned, .inspected, .read:
                    problems.append("card \(id): its dose is not released (state \(card.state.rawValue)); the database refuses to zero "
                                    + "a card before its dose is released")
                case .released: problems.append("card \(id): not annealed yet (or above background): tld anneal first")
                case .zeroed, .available, .retired: problems.append("card \(id): it is \(card.state.rawValue), not annealed")
                }
            }
            guard problems.isEmpty else { throw CycleFailure(problems.joined(separator: "\ntld: ") + "\ntld: nothing was zeroed") }
            do { try labStore.zeroCards(ids) } catch let error as LabStoreError {
                if case .doseNotReleased = error { throw CycleFailure(error.description + "; nothing was zeroed") }
                if case let .immutableRow(message) = error { throw CycleFailure("the database refused: \(message); nothing was zeroed") }
                throw error
            }
            print("Zeroed \(ids.count) cards: \(ids.joined(separator: " ")). Next: tld inspect … --stage reissue --outcome fit --who …")
        }
    }
}
