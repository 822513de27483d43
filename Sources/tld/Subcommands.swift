import ArgumentParser
let subcommandList: [any ParsableCommand.Type] = []
