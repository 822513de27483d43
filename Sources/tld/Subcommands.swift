import ArgumentParser
let subcommandList: [any ParsableCommand.Type] = [Readout.self, Devices.self, Udev.self]
