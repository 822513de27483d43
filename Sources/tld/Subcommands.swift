import ArgumentParser
let subcommandList: [any ParsableCommand.Type] = [
    Readout.self, Intake.self, Review.self, Overdue.self, Demo.self, GlowCommand.self, TypeTest.self, Devices.self, Udev.self,
    CurvesCommand.self,
]
