import ArgumentParser
let subcommandList: [any ParsableCommand.Type] = [
    Readout.self, Intake.self, Review.self, Overdue.self, Demo.self, GlowCommand.self, TypeTest.self, Devices.self, Udev.self,
    Evaluate.self, Release.self, Levels.self, Results.self, ScenarioFromReturns.self,
]
