namespace Quota;

/// <summary>The file formats of <see cref="QuotaUsageExport"/>.</summary>
public enum QuotaExportFormat
{
    /// <summary>
    /// Comma-separated values (RFC 4180, UTF-8 without a byte-order mark), one row per subject and meter:
    /// <c>policy,subject,anchor,cycle_start,cycle_end,meter,used,limit,granted,remaining</c>.
    /// </summary>
    Csv = 0,

    /// <summary>JSON Lines: one JSON object per subject and line, with its meters, grants and alerts.</summary>
    JsonLines = 1,
}
