import HummingbirdBcrypt

/// Portal passwords: bcrypt (hummingbird-auth's HummingbirdBcrypt), cost 12, salt in the hash.
public enum PortalPassword {
    public static let cost: UInt8 = 12
    public static let minimumLength = 10

    public static func hash(_ password: String, cost: UInt8 = PortalPassword.cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
