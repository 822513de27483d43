import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Record the inspection of cards on arrival or before reissue.",
        discussion: """
            On arrival (--stage arrival) a returned card is fit for readout, read with manual QA (a \
            remark then goes on its result line; needs --remark), or retired (compensation is due when \
            the customer damaged it). Before reissue (--stage reissue) a zeroed card is fit — it goes \
            back to stock as available — or retired. Each card is one transaction; a card in the wrong \
            state is refused with the reason and the others are still recorded.

            Damage codes: cracked-pellet, missing-pellet, loose-phosphor, bubble, contamination, \
            missing-holder-filter; add :N for the pellet (element 1–4), e.g. --damage cracked-pellet:3.

            Examples:
              tld inspect 10000016 10000024 --stage arrival --outcome fit --who "A. Technician"
              tld inspect 10000032 --stage arrival --outcome manual-qa --damage cracked-pellet:3 --remark "pellet 3 cracked" --who "A. Technician"
              tld inspect 10000016 --stage reissue --outcome fit --who "A. Technician"
            """)

    enum Stage: String, ExpressibleByArgument, CaseIterable {
        case arrival, reissue
        var stage: InspectionStage { self == .arrival ? .arrival : .beforeReissue }
    }

    enum Outcome: String, ExpressibleByArgument, CaseIterable {
        case fit, manualQA = "manual-qa", retire
        var outcome: InspectionOutcome {
            switch self {
            case .fit: .fit
            case .manualQA: .manualQA
            case .retire: .retire
            }
        }
    }

    /// `CODE` or `CODE:element`.
    struct DamageArgument: ExpressibleByArgument {
        var damage: Damage
        static let codes: [String: DamageCode] = [
            "cracked-pellet": .crackedPellet, "missing-pellet": .missingPellet, "loose-phosphor": .loosePhosphor,
            "bubble": .bubble, "contamination": .contamination, "missing-holder-filter": .missingHolderFilter,
        ]
        init?(argument: String) {
            let parts = argument.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(parts.count), let code = Self.codes[parts[0]] else { return nil }
            var element: Int?
            if parts.count == 2 {
                guard let e = Int(parts[1]), (1...4).contains(e) else { return nil }
                element = e
            }
            damage = Damage(code, element: element)
        }
        static var allValueStrings: [String] { codes.keys.sorted() }
    }

    @Argument(help: ArgumentHelp("Card numbers.", valueName: "card"))
    var cards: [String]

    @Option(help: "arrival or reissue.")
    var stage: Stage

    @Option(help: "fit, manual-qa or retire.")
    var outcome: Outcome

    @Option(help: ArgumentHelp("A damage found, CODE or CODE:element (repeatable).", valueName: "code[:element]"))
    var damage: [DamageArgument] = []

    @Option(help: "Remark for the result line (needed with manual-qa).")
    var remark: String = ""

    @Option(help: "Who inspected the cards.")
    var who: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !cards.isEmpty else { throw ValidationError("give at least one card number") }
        guard !who.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--who must name the inspector") }
        if outcome == .manualQA && remark.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--outcome manual-qa needs a --remark for the result line")
        }
        if outcome == .manualQA && stage == .reissue {
            throw ValidationError("before reissue a card is fit or retired; manual QA is for readout (--stage arrival)")
        }
    }

    func run() throws {
        try reportingFailures {
            let labStore = try store.openCardCycle(logger: makeLogger(verbose: logging.verbose))
            var failed: [String] = []
            for card in cards {
                do {
                    let saved = try labStore.saveInspection(CardInspection(
                        cardID: card, issueID: nil, stage: stage.stage, outcome: outcome.outcome, damages: damage.map(\.damage),
                        remark: remark, inspectedBy: who, inspectedAt: Date()))
                    let state = try labStore.card(id: card)?.state.rawValue ?? "?"
                    let found = saved.damages.isEmpty ? "" : " (" + saved.damages.map(\.description).joined(separator: ", ") + ")"
                    print("card \(card): \(stage.rawValue) inspection \(outcome.rawValue)\(found) → \(state)")
                } catch let error as LabStoreError {
                    failed.append(card)
                    FileHandle.standardError.write(Data("tld: card \(card): \(Self.explain(error))\n".utf8))
                }
            }
            if !failed.isEmpty {
                throw CycleFailure("\(failed.count) of \(cards.count) cards not inspected: \(failed.joined(separator: " "))")
            }
        }
    }

    /// The store's refusal in the words of the bench.
    static func explain(_ error: LabStoreError) -> String {
        switch error {
        case let .cardInWrongState(_, state, step):
            "it is \(state.rawValue) and cannot \(step)" + (state == .issued ? " (take it in with tld intake first)" : "")
        case let .cardNotFound(id): "no card \(id) in the lab's stock"
        default: error.description
        }
    }
}
