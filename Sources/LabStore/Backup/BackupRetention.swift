import Foundation

/// Which backups to keep: the newest backup of each of the last `daily` days, `weekly` ISO weeks and
/// `monthly` months that have a backup (UTC), the rule of restic's `forget --keep-daily/--keep-weekly/
/// --keep-monthly` (https://restic.readthedocs.io/en/stable/060_forget.html): a backup kept by one rule
/// is kept. The newest backup is always kept. A policy of all zeros keeps everything (no pruning).
public struct BackupRetention: Sendable, Equatable {
    public var daily: Int
    public var weekly: Int
    public var monthly: Int

    public init(daily: Int = 0, weekly: Int = 0, monthly: Int = 0) {
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
    }

    public var prunes: Bool { daily > 0 || weekly > 0 || monthly > 0 }

    /// The dates (of `dates`) to keep.
    public func kept(_ dates: [Date]) -> Set<Date> {
        guard prunes else { return Set(dates) }
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let newestFirst = dates.sorted(by: >)
        var keep = Set(newestFirst.prefix(1))
        func apply(_ count: Int, bucket: (Date) -> [Int]) {
            var seen = Set<[Int]>()
            for date in newestFirst where seen.count < count {
                if seen.insert(bucket(date)).inserted { keep.insert(date) }
            }
        }
        apply(daily) { let c = calendar.dateComponents([.year, .month, .day], from: $0); return [c.year ?? 0, c.month ?? 0, c.day ?? 0] }
        apply(weekly) { let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: $0); return [c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0] }
        apply(monthly) { let c = calendar.dateComponents([.year, .month], from: $0); return [c.year ?? 0, c.month ?? 0] }
        return keep
    }
}
