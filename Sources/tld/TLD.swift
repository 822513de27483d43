import ArgumentParser

/// `tld`: the TL dosimetry lab's bench tool.
@main
struct TLD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tld",
        abstract: "Bench software of a TL personal-dosimetry laboratory.",
        discussion: """
            Reads returned TL dosimeter cards on a TL card reader (real, or simulated on a \
            pseudo-terminal), stores every raw glow curve durably before the reader is told to go on, \
            evaluates Hp(10) and Hp(0.07), and analyses glow curves.

            The store is a SQLite file: ./tld.sqlite unless --database or TLD_DATABASE says otherwise.

            Examples:
              tld readout --simulate                 read the built-in simulated shipment
              tld readout --device /dev/ttyUSB0      read the magazine of a real reader
              tld readout --simulate --format csv    results as CSV
              tld glow fit curve.csv --peaks auto    deconvolve a glow curve
            """,
        version: "0.1.0",
        subcommands: subcommandList)
}
