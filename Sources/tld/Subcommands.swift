import ArgumentParser
let subcommandList: [any ParsableCommand.Type] = [Readout.self, GlowCommand.self, Devices.self, Udev.self]
