// Instruments: the TL card reader driver (firmware-protocol/PROTOCOL.md, version 1).
//
// Layers, bottom up, one idea per file:
//   ByteTransport        bytes in and out (SerialPortTransport over DeviceIO.SerialPort; MemoryLink in
//                        tests and for in-process simulators, with fault injection)
//   ReaderLink           link layer (PROTOCOL.md 3): one outstanding request, seq numbers, T_reply,
//                        retransmission of the identical frame, NAK, stale replies, linkLost
//   TLReader             session (PROTOCOL.md 4-6): HELLO/IDENTIFY/STATUS, load, read (stream + verify
//                        CRC-32), release, anneal, eject, abort; typed errors (TLReaderError)
//   MagazineReadout      the batch loop with resume: hands each verified ElementReading to a
//                        ReadoutSink and releases it only after the sink stored it
//
// Nothing here knows a lab, a customer or a database: readings go up through ReadoutSink, and the
// driver waits for the sink to say a reading is safe before it lets the reader drop it.
