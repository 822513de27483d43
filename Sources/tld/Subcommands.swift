import ArgumentParser
let subcommandList: [any ParsableCommand.Type] = [Readout.self, GlowCommand.self, TypeTest.self, Devices.self, Udev.self]
