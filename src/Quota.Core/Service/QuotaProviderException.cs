namespace Quota;

/// <summary>
/// An application-supplied function of a policy (<see cref="QuotaPolicyOptions.AnchorProvider"/> or
/// <see cref="QuotaPolicyOptions.SubjectProvider"/>) threw or returned something unusable. Not a store failure, so the
/// policy's failure mode does not apply: the call fails and nothing is counted.
/// </summary>
public sealed class QuotaProviderException : InvalidOperationException
{
    /// <summary>Initializes the exception.</summary>
    public QuotaProviderException()
    {
    }

    /// <summary>Initializes the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public QuotaProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes the exception with a message and the function's own exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The function's exception.</param>
    public QuotaProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
