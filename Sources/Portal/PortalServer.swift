import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// The portal's HTTP(S) server: Hummingbird on SwiftNIO, TLS through swift-nio-ssl when a
/// certificate and key (PEM) are given.
public enum PortalServer {
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var key: String
        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    /// Why the server cannot start.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
        /// The address is taken (another portal?): try again later or elsewhere, not a bad file.
        public var addressInUse = false
    }

    /// Runs until SIGINT/SIGTERM; `onRunning` gets the port actually bound (port 0 picks a free one).
    public static func run(portal: PortalApp, host: String, port: Int, tls: TLSFiles?, logger: Logger,
                           onRunning: @escaping @Sendable (Int) -> Void) async throws {
        let app = try application(portal: portal, host: host, port: port, tls: tls, logger: logger, onRunning: onRunning)
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw StartError(description: "\(host) port \(port) is already in use (another portal running?)", addressInUse: true)
        }
    }

    /// The Hummingbird application of the portal (tests run it with HummingbirdTesting).
    public static func application(portal: PortalApp, host: String, port: Int, tls: TLSFiles?, logger: Logger,
                                   onRunning: @escaping @Sendable (Int) -> Void = { _ in }) throws -> some ApplicationProtocol {
        let server: HTTPServerBuilder
        if let tls {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(tls.certificate)
                key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            } catch {
                throw StartError(description: "cannot read the TLS certificate \(tls.certificate) or key \(tls.key): \(error)")
            }
            guard !chain.isEmpty else { throw StartError(description: "no certificate in \(tls.certificate)") }
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            server = try .tls(.http1(), tlsConfiguration: configuration)
        } else {
            server = .http1()
        }
        return Application(
            router: portal.router(), server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "tld-portal"),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
