import ArgumentParser
let subcommandList: [any ParsableCommand.Type] = [Readout.self, Intake.self, Review.self, Demo.self]
