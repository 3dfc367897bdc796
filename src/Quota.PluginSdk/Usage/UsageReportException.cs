namespace Quota.PluginSdk;

/// <summary>
/// Counted rows could not be recorded in the quota store after every retry. The store's failure is the
/// <see cref="Exception.InnerException"/>, never lost.
/// </summary>
public sealed class UsageReportException : Exception
{
    /// <summary>Initializes the exception.</summary>
    public UsageReportException()
    {
    }

    /// <summary>Initializes the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public UsageReportException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes the exception with a message and the store's failure.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store's failure on the last attempt.</param>
    public UsageReportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the team whose rows were not recorded.</summary>
    public string? Team { get; init; }

    /// <summary>Gets how many counted rows were not recorded.</summary>
    public long UnreportedRows { get; init; }

    /// <summary>Gets how many times the last batch was sent.</summary>
    public int Attempts { get; init; }
}
